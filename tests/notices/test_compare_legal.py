"""The 新旧対照表 as compliance staff check it: an edit made in the admin (a textarea sends `\r\n`) shows as a
change of exactly the section edited; both columns show what customers read; the versions list links each
version to its table; the PDF carries the notice, both dates in 西暦 and 和暦, and page numbers."""

import datetime
import io
import re

import pytest
from pypdf import PdfReader

from notices.models import Notice, NoticeVersion
from notices.services import notice_version_create_draft, notice_version_freeze
from tests import personas
from tests.notices.admin_forms import version_form_data

SHOTAN = "shotan-group-joint-use"
COMPARE = f"/notices/{SHOTAN}/compare/2019-06-03/2027-04-01/"
SECTION_6 = "6.楽天保険グループの各種リスク管理や法令等の遵守のための利用"
NEW_SECTION_6 = (
    "たとえば反社会的勢力に関する情報を楽天保険グループ各社で共有し、反社会的勢力との取引を防止するために利用します。"
)


def _as_textarea_sends(value):
    return value.replace("\n", "\r\n") if isinstance(value, str) else value


@pytest.fixture
def section_6_revised(client, demo_content):
    """An editor drafts the 楽天少短 notice in the admin, rewords section 6 only, and the draft is published."""
    notice = Notice.objects.get(slug=SHOTAN)
    editor = personas.editor()
    draft = notice_version_create_draft(notice=notice, user=editor, on=datetime.date(2027, 3, 1))
    draft.effective_date = datetime.date(2027, 4, 1)
    draft.save()
    data = {key: _as_textarea_sends(value) for key, value in version_form_data(draft).items()}
    index = next(i for i, s in enumerate(draft.sections.all()) if s.heading == SECTION_6)
    data[f"sections-{index}-body"] = NEW_SECTION_6 + "\r\n"
    data["change_summary"] = "6.の表現を改めました。\r\n"
    client.force_login(editor)
    response = client.post(f"/admin/notices/noticeversion/{draft.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    draft.refresh_from_db()
    notice_version_freeze(version=draft)
    client.logout()
    return draft


def _changed_table(html: str) -> str:
    start = html.index('<table class="compare">')
    return html[start:html.index("</table>", start)]


def _rows(html: str) -> list[str]:
    table = _changed_table(html)
    return re.findall(r"<tr>\s*<td>(.*?)</td>", table, flags=re.S)


def test_an_admin_edit_of_one_section_changes_exactly_that_section(client, section_6_revised):
    stored = NoticeVersion.objects.get(pk=section_6_revised.pk)
    assert "\r" not in stored.introduction and all("\r" not in s.body for s in stored.sections.all())
    html = client.get(COMPARE).content.decode()
    rows = _rows(html)
    assert len(rows) == 1 and "6.楽天保険グループの各種リスク管理" in rows[0]
    changed_table = _changed_table(html)
    for unchanged in ("前文", "1.楽天少短の個人情報保護指針について", "3.楽天保険グループ各社との共同利用について"):
        assert unchanged not in changed_table
    assert html.count("<ins>") == html.count("</ins>") > 0
    assert "（傍線部分は改定部分）" in html


def test_both_columns_show_links_as_their_text(client, section_6_revised):
    html = client.get(COMPARE).content.decode()
    assert "](/companies/)" not in html and "[こちら]" not in html
    assert "[こちら](/companies/)も参照ください" not in html
    assert "こちらも参照ください" in html


def test_the_versions_list_links_each_version_to_its_table(client, section_6_revised):
    html = client.get(f"/notices/{SHOTAN}/versions/").content.decode()
    assert f'href="{COMPARE}"' in html
    assert "2019年6月3日（令和元年6月3日）適用の版との新旧対照表" in html
    assert html.count(f"/notices/{SHOTAN}/compare/") == 1  # the first version has no predecessor


def test_the_pdf_opens_with_the_notice_both_dates_and_page_numbers(client, section_6_revised):
    response = client.get(COMPARE + "pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    reader = PdfReader(io.BytesIO(response.content))
    width, height = reader.pages[0].mediabox.width, reader.pages[0].mediabox.height
    assert width > height  # A4 landscape
    assert round(float(width) / 72 * 25.4) == 297
    text = "\n".join(page.extract_text() for page in reader.pages)
    compact = re.sub(r"\s+", "", text)
    assert "楽天保険グループ各社との共同利用について" in compact
    assert "2027年4月1日（令和9年4月1日）" in compact
    assert "2019年6月3日（令和元年6月3日）" in compact
    assert "（傍線部分は改定部分）" in compact
    assert "反社会的勢力との取引を防止" in compact
    assert f"1/{len(reader.pages)}" in compact


def test_the_pdf_of_a_draft_or_in_the_wrong_order_is_refused(client, section_6_revised):
    assert client.get(f"/notices/{SHOTAN}/compare/2027-04-01/2019-06-03/pdf/").status_code == 400
    assert client.get(f"/notices/{SHOTAN}/compare/2019-06-03/2028-01-01/pdf/").status_code == 404


def test_a_server_without_pango_still_serves_the_page_and_explains_the_missing_pdf(
    client, section_6_revised, monkeypatch
):
    from notices import printing

    monkeypatch.setattr(printing, "_weasyprint", lambda: None)
    response = client.get(f"/notices/{SHOTAN}/compare/2019-06-03/2027-04-01/pdf/")
    assert response.status_code == 503
    assert "ブラウザから新旧対照表のページを印刷してください" in response.content.decode()
    assert client.get(f"/notices/{SHOTAN}/compare/2019-06-03/2027-04-01/").status_code == 200


def test_the_admin_comparison_uses_the_same_table(client, demo_content):
    notice = Notice.objects.get(slug=SHOTAN)
    draft = notice_version_create_draft(notice=notice, user=personas.editor())
    section = draft.sections.get(heading=SECTION_6)
    section.body = NEW_SECTION_6
    section.save()
    client.force_login(personas.approver())
    for page in ("compare", "publish"):
        html = client.get(f"/admin/notices/noticeversion/{draft.pk}/{page}/").content.decode()
        assert "（傍線部分は改定部分）" in html
        assert len(_rows(html)) == 1 and SECTION_6 in _rows(html)[0]
