"""notices/compare.py: the 新旧対照表 compares what customers read, marks replaced phrases as one unit, escapes
text, and labels changes for screen readers."""

import datetime
import re

import pytest

from notices.compare import compare_contents, diff_html, markdown_text, phrase_diff
from tests.factories import NoticeVersionFactory

HIDDEN = '<span class="visually-hidden">［{}］</span>'
ADDED = "<ins>" + HIDDEN.format("追加") + "{}" + HIDDEN.format("追加ここまで") + "</ins>"
REMOVED = "<del>" + HIDDEN.format("削除") + "{}" + HIDDEN.format("削除ここまで") + "</del>"


def test_an_insertion_is_marked_in_the_new_column_only():
    new_html, old_html = diff_html("各種商品のご案内", "各種商品・サービスのご案内")
    assert new_html == "各種商品" + ADDED.format("・サービス") + "のご案内"
    assert old_html == "各種商品のご案内"


def test_a_removal_is_struck_out_in_the_old_column_only():
    new_html, old_html = diff_html("氏名、住所、生年月日", "氏名、生年月日")
    assert "<del>" not in new_html and "<ins>" not in new_html
    assert re.sub(r"<[^>]+>|［[^］]+］", "", old_html) == "氏名、住所、生年月日"
    assert old_html.count("<del>") == 1 and "住所" in old_html[old_html.index("<del>"):]


def test_a_replaced_phrase_is_one_marked_unit_without_kept_characters_inside():
    old, new = "楽天インシュアランスホールディングス株式会社", "当該個人データを原取得した各会社"
    new_html, old_html = diff_html(old, new)
    # A character diff keeps デ and 会社 (common to both) and breaks both phrases into pieces.
    assert new_html == ADDED.format(new)
    assert old_html == REMOVED.format(old)
    assert phrase_diff(old, new) == [(-1, old), (1, new)]


def test_a_replaced_word_inside_a_sentence_leaves_the_rest_unmarked():
    old = "たとえば反社会的勢力についての情報を楽天保険グループ各社で共有し反社会的勢力を排除するために利用します。"
    new = ("たとえば反社会的勢力に関する情報を楽天保険グループ各社で共有し、"
           "反社会的勢力との取引を防止するために利用します。")
    new_html, _ = diff_html(old, new)
    assert new_html.startswith("たとえば反社会的勢力<ins>")
    assert new_html.endswith("するために利用します。")
    assert "情報を楽天保険グループ各社で共有し" in re.sub(r"<ins>.*?</ins>", "|", new_html)


def test_it_escapes_html_written_by_staff():
    new_html, old_html = diff_html("", "<script>alert(1)</script>")
    assert "<script>" not in new_html and "&lt;script&gt;" in new_html


def test_markdown_is_compared_as_customers_read_it():
    assert markdown_text("詳細については[こちら](/companies/)") == "詳細についてはこちら"
    assert markdown_text("一\r\n二  \r\n\r\n1. 甲\n2. 乙\n\n- 丙") == "一\n二\n1. 甲\n2. 乙\n・丙"
    assert markdown_text("a &amp; <b>b</b>") == "a & b"


@pytest.mark.django_db
def test_it_compares_each_section_and_reports_unchanged_ones():
    old = NoticeVersionFactory(effective_date=datetime.date(2023, 4, 1))
    new = NoticeVersionFactory(notice=old.notice, effective_date=datetime.date(2027, 4, 1), items=["保険契約の引受け"])
    new.joint_users.update(company=old.joint_users.get().company)
    sections = {section.heading: section for section in compare_contents(new.build_content(), old.build_content())}
    purposes = sections["共同利用の利用目的"]
    assert purposes.changed
    assert "<del>" in purposes.old_html and "各種商品のご案内" in purposes.old_html
    assert "1. " in purposes.new_html  # numbered as on the page
    assert not sections["共同利用する個人データの項目"].changed
    assert not sections["個人データ管理責任者"].changed


def test_line_endings_trailing_spaces_and_decomposed_kana_are_not_changes():
    def content(text):
        return {"kind": "explanation", "introduction": text, "notes": "", "joint_users": [],
                "sections": [{"heading": "1.見出し", "body": text, "lists_joint_users": False}]}

    saved_in_2019 = "当社は、指針を定めております。\nまた、データを共同利用します。"
    typed_in_admin = "当社は、指針を定めております。  \r\nまた、テ\u3099ータを共同利用します。\r\n"
    sections = compare_contents(content(typed_in_admin), content(saved_in_2019))
    assert [section.changed for section in sections] == [False, False]


def test_a_section_added_or_removed_stands_against_an_empty_cell():
    def content(*headings):
        return {"kind": "explanation", "introduction": "前文", "notes": "", "joint_users": [],
                "sections": [{"heading": h, "body": f"{h}の本文", "lists_joint_users": False} for h in headings]}

    sections = {s.heading: s for s in compare_contents(content("1.残る", "2.新設"), content("1.残る", "3.廃止"))}
    added, removed = sections["2.新設"], sections["3.廃止"]
    assert added.changed and added.in_new and not added.in_old and "<ins>" in added.new_heading_html
    assert removed.changed and removed.in_old and not removed.in_new and "<del>" in removed.old_html
    assert not sections["1.残る"].changed


def test_words_added_after_okurigana_are_an_insertion_not_a_replacement():
    new_html, old_html = diff_html("保険契約の引受け", "保険契約の引受けおよび継続")
    assert new_html == "保険契約の引受け" + ADDED.format("および継続")
    assert old_html == "保険契約の引受け"
