"""The FAQ search on a 375 px phone: everyday words find the entry, an empty result shows the way on."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def search(page, live_server, words):
    page.goto(live_server.url + "/faq/")
    page.get_by_label("よくある質問を検索").fill(words)
    page.get_by_role("button", name="検索").click()
    page.wait_for_url("**/faq/?q=*")


def test_dm_tomeru_finds_the_entry_about_direct_mail_with_the_match_marked(live_server, demo_content, page_at):
    page = page_at(375)
    search(page, live_server, "DM 止める")
    entry = page.locator("#q2")
    assert entry.is_visible()
    assert page.locator(".faq-entry").first.get_attribute("id") == "q2"
    assert entry.locator("mark").first.inner_text() == "ダイレクトメール"
    # The way to stop the mail is one tap away, a target large enough for a thumb.
    link = page.get_by_role("link", name="ダイレクトメール・メール・お電話でのご案内を止めたい：配信設定")
    assert link.bounding_box()["height"] >= 44
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


def test_an_empty_result_shows_preferences_the_request_procedure_and_the_inquiry_windows(
    live_server, demo_content, page_at, assert_accessible
):
    page = page_at(375)
    search(page, live_server, "存在しない言葉")
    assert page.locator(".faq-entry").count() == 0
    assert page.get_by_text("該当する質問はありません。").is_visible()
    for name, path in [
        ("ダイレクトメール・メール・お電話でのご案内を止めたい：配信設定", "/my/preferences/"),
        ("個人データの開示・訂正・利用停止などをご希望の方：ご請求の手続き", "/privacy/"),
        ("そのほかのご質問：お問合せ窓口", "/contact/"),
    ]:
        link = page.get_by_role("link", name=name)
        assert link.is_visible() and link.get_attribute("href") == path
        assert link.bounding_box()["height"] >= 44
    assert_accessible(page)
    page.get_by_role("link", name="そのほかのご質問：お問合せ窓口").click()
    page.wait_for_url("**/contact/")
