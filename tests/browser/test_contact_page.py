"""The お問合せ窓口 page in a real Chromium: axe-core finds nothing, nothing scrolls sideways, and a customer
reaches it from the footer of any page and from an error page."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [320, 375, 1280])
def test_axe_finds_no_violation(live_server, demo_content, page_at, assert_accessible, width):
    page = page_at(width)
    page.goto(live_server.url + "/contact/")
    assert page.locator("html").get_attribute("lang") == "ja"
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # no sideways scroll


def test_a_phone_reaches_a_window_from_the_footer_and_can_call_it(live_server, demo_content, page_at):
    page = page_at(375)
    page.goto(live_server.url + "/faq/")
    page.get_by_role("contentinfo").get_by_role("link", name="お問合せ窓口").click()
    assert page.get_by_role("heading", level=1).inner_text() == "お問合せ窓口"
    life = page.get_by_role("region", name="楽天生命保険株式会社")
    call = life.get_by_role("link", name="03-0000-0002")
    assert call.get_attribute("href") == "tel:0300000002"
    box = call.bounding_box()
    assert box["height"] >= 44  # a finger's target


def test_an_error_page_leads_to_the_windows(live_server, db, page_at):
    page = page_at(1280)
    page.goto(live_server.url + "/no-such-page/")
    page.get_by_role("navigation", name="ほかのページへ").get_by_role("link", name="お問合せ窓口").click()
    assert page.url == live_server.url + "/contact/"
