"""notices/compare.py: the 新旧対照表 marks changed characters, escapes text, labels changes for screen readers."""

import datetime

import pytest

from notices.compare import compare_contents, diff_html
from tests.factories import NoticeVersionFactory


def test_it_marks_only_the_changed_characters():
    new_html, old_html = diff_html("各種商品のご案内", "各種商品・サービスのご案内")
    assert new_html == '各種商品<ins><span class="visually-hidden">［追加］</span>・サービス</ins>のご案内'
    assert old_html == "各種商品のご案内"


def test_removed_text_is_struck_out_in_the_old_column_only():
    new_html, old_html = diff_html("氏名、住所、生年月日", "氏名、生年月日")
    assert "<del>" not in new_html and "<ins>" not in new_html
    assert old_html == '氏名<del><span class="visually-hidden">［削除］</span>、住所</del>、生年月日'


def test_it_escapes_html_written_by_staff():
    new_html, old_html = diff_html("", "<script>alert(1)</script>")
    assert "<script>" not in new_html and "&lt;script&gt;" in new_html


@pytest.mark.django_db
def test_it_compares_each_section_and_reports_unchanged_ones():
    old = NoticeVersionFactory(effective_date=datetime.date(2023, 4, 1))
    new = NoticeVersionFactory(notice=old.notice, effective_date=datetime.date(2027, 4, 1), items=["保険契約の引受け"])
    new.joint_users.update(company=old.joint_users.get().company)
    sections = {section.heading: section for section in compare_contents(new.build_content(), old.build_content())}
    purposes = sections["共同利用の利用目的"]
    assert purposes.changed
    assert "<del>" in purposes.old_html and "各種商品のご案内" in purposes.old_html
    assert not sections["共同利用する個人データの項目"].changed
    assert not sections["個人データ管理責任者"].changed
