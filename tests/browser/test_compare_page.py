"""The public 新旧対照表 in a real Chromium: axe-core finds nothing; the marks show without colour and are read
out in Japanese; printing gives A4 landscape with the changed sections."""

import datetime

import pytest

from notices.models import Notice
from notices.services import notice_version_create_draft, notice_version_freeze
from tests import personas

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COMPARE = "/notices/shotan-group-joint-use/compare/2019-06-03/2027-04-01/"


@pytest.fixture
def revision(demo_content):
    """Section 6 reworded, section 5 removed, a new section 7 added."""
    notice = Notice.objects.get(slug="shotan-group-joint-use")
    draft = notice_version_create_draft(notice=notice, user=personas.editor(), on=datetime.date(2027, 3, 31))
    sections = {section.heading[:2]: section for section in draft.sections.all()}
    sections["6."].body = sections["6."].body.replace("についての", "に関する").replace("排除する", "遮断する")
    sections["6."].save()
    sections["5."].delete()
    draft.sections.create(order=99, heading="7.共同利用の停止について", body="お申し出により停止します。")
    notice_version_freeze(version=draft)
    return draft


@pytest.mark.parametrize("width", [375, 1280])
def test_axe_finds_no_violation(live_server, revision, page_at, assert_accessible, width):
    page = page_at(width)
    page.goto(live_server.url + COMPARE)
    assert_accessible(page)
    page.locator("details.unchanged summary").click()
    assert_accessible(page)
    page.goto(live_server.url + "/notices/shotan-group-joint-use/versions/")
    assert_accessible(page)


def test_marks_are_visible_without_colour_and_spoken_in_japanese(live_server, revision, page_at):
    page = page_at(1280)
    page.goto(live_server.url + COMPARE)
    ins, deleted = page.locator("table.compare ins").first, page.locator("table.compare del").first
    assert "underline" in ins.evaluate("e => getComputedStyle(e).textDecorationLine")
    assert "line-through" in deleted.evaluate("e => getComputedStyle(e).textDecorationLine")
    # Read by screen readers (in the accessibility tree), not drawn on the screen.
    assert ins.text_content().startswith("［追加］") and ins.text_content().endswith("［追加ここまで］")
    assert deleted.text_content().startswith("［削除］")
    assert not ins.locator(".visually-hidden").first.evaluate("e => e.getBoundingClientRect().width > 1")
    # 改定後 left, 改定前 right; the added and the removed sections stand against an empty cell.
    head = page.locator("table.compare thead th")
    assert head.nth(0).inner_text() == "改定後" and head.nth(1).inner_text() == "改定前"
    added = page.locator("table.compare tbody tr", has_text="7.共同利用の停止について")
    empty_old, empty_new = added.locator("td").nth(1), None
    removed = page.locator("table.compare tbody tr", has_text="5.楽天保険グループの経営管理")
    empty_new = removed.locator("td").nth(0)
    for cell in (empty_old, empty_new):
        # Nothing drawn; a screen reader hears that the section is not in that version.
        assert cell.locator(".compare-heading").count() == 0
        assert cell.text_content().strip() == "この版にはない項目です。"
        assert not cell.locator(".visually-hidden").evaluate("e => e.getBoundingClientRect().width > 1")
    assert added.locator("td").nth(0).locator("ins").count() >= 1
    assert removed.locator("td").nth(1).locator("del").count() >= 1
    assert page.get_by_text("（傍線部分は改定部分）").is_visible()


def test_printing_gives_the_changed_sections_on_a4_landscape(live_server, revision, browser):
    context = browser.new_context(locale="ja-JP")
    page = context.new_page()
    page.goto(live_server.url + COMPARE)
    page.emulate_media(media="print")
    assert not page.locator("details.unchanged").is_visible()
    assert page.locator(".unchanged-list").is_visible()
    pdf = page.pdf(prefer_css_page_size=True)
    context.close()
    from io import BytesIO

    from pypdf import PdfReader

    first = PdfReader(BytesIO(pdf)).pages[0]
    assert float(first.mediabox.width) > float(first.mediabox.height)
