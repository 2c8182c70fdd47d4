"""Every public page in a real Chromium: axe-core finds nothing at phone and desktop widths."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PUBLIC_PAGES = [
    "/",
    "/notices/group-joint-use/",
    "/notices/shotan-group-joint-use/",
    "/notices/group-joint-use/versions/",
    "/notices/group-joint-use/2019-06-03/",
    "/notices/group-joint-use/?as_of=2019-06-03",
    "/companies/",
    "/faq/",
    "/faq/?q=ペット",
    "/faq/?q=存在しない言葉",
    "/notices/group-joint-use/?as_of=abc",
    "/notices/group-joint-use/?as_of=2019-06-02",
    "/notices/no-such-notice/",
]


@pytest.mark.parametrize("width", [320, 375, 1280])
def test_axe_finds_no_violation(live_server, demo_content, page_at, assert_accessible, width):
    page = page_at(width)
    for path in PUBLIC_PAGES:
        page.goto(live_server.url + path)
        assert page.locator("html").get_attribute("lang") == "ja"
        assert_accessible(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, path  # no sideways scroll


def test_a_phone_reaches_the_notice_from_the_top_page_in_one_tap(live_server, demo_content, page_at):
    page = page_at(375)
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="個人データの共同利用について").first.click()
    assert page.get_by_role("heading", level=1).inner_text() == "個人データの共同利用について"
    # Nothing sticks out sideways on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


def test_faq_search_and_anchor_work_without_javascript(live_server, demo_content, browser):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 375, "height": 800})
    page = context.new_page()
    page.goto(live_server.url + "/faq/")
    page.get_by_label("よくある質問を検索").fill("業務委託先")
    page.get_by_role("button", name="検索").click()
    assert page.locator(".faq-entry").count() == 1
    assert page.locator("#q6").is_visible()
    context.close()


def test_the_as_of_form_shows_an_old_version(live_server, demo_content, page_at):
    page = page_at(1280)
    page.goto(live_server.url + "/notices/group-joint-use/")
    page.get_by_label("指定した日に適用されていた版を表示").fill("2019-06-03")
    page.get_by_role("button", name="表示", exact=True).click()
    assert "as_of=2019-06-03" in page.url
    assert page.get_by_role("status").first.inner_text().startswith("2019年6月3日")


def test_print_hides_navigation(live_server, demo_content, page_at):
    page = page_at(1280)
    page.goto(live_server.url + "/notices/group-joint-use/")
    page.emulate_media(media="print")
    assert not page.locator(".site-nav").is_visible()
    assert not page.locator("form.as-of-form").is_visible()
    assert page.get_by_role("heading", name="共同利用の利用目的").is_visible()
