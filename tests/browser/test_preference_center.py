"""Acceptance 7: a customer logs in through the emailed link, stops direct mail from one company, sees the
receipt and finds the change in the history; axe-core finds nothing on any page of the preference center."""

import re

import pytest
from django.core import mail

from consents.models import ConsentEvent
from tests.consents.conftest import emailed_link

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, live_server, check=lambda page: None):
    page.goto(live_server.url + "/login/")
    check(page)
    page.get_by_label("メールアドレス").fill("hanako@example.com")
    page.get_by_role("button", name="ログイン用リンクを送る").click()
    page.wait_for_url("**/login/sent/")
    check(page)
    link = live_server.url + emailed_link(mail.outbox[-1])
    page.goto(link)
    check(page)
    page.get_by_role("button", name="ログイン", exact=True).click()
    page.wait_for_url("**/my/")
    return link


@pytest.mark.parametrize("width", [320, 375, 1280])
def test_a_customer_stops_direct_mail_and_finds_the_receipt_in_the_history(
    live_server, hanako, page_at, assert_accessible, width
):
    def check(page):
        assert_accessible(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url  # no sideways scroll

    page = page_at(width)
    link = log_in(page, live_server, check=check)
    assert page.get_by_role("heading", level=1).inner_text() == "マイページ"
    check(page)

    page.get_by_role("link", name="配信設定の変更").first.click()
    page.wait_for_url("**/my/preferences/")
    check(page)
    page.get_by_role("radio", name=re.compile(r"^楽天生命／DM（ダイレクトメール）：\s*受け取らない$")).check()
    page.get_by_role("button", name="保存する").click()
    page.wait_for_url("**/my/receipts/*/")
    check(page)
    event = ConsentEvent.objects.get()
    assert (event.company.short_name, event.channel.code, event.new_value) == ("楽天生命", "direct_mail", False)
    assert event.receipt.number in page.get_by_role("status").inner_text()
    assert event.receipt.number in mail.outbox[-1].subject

    page.get_by_role("link", name="変更履歴").first.click()
    page.wait_for_url("**/my/history/")
    check(page)
    row = page.get_by_role("row").filter(has_text=event.receipt.number)
    assert "DM（ダイレクトメール）" in row.inner_text() and "受け取る → 受け取らない" in row.inner_text()

    page.get_by_role("button", name="ログアウト").click()
    page.wait_for_url("**/logout/done/")
    check(page)

    page.goto(link)  # the link was used: a Japanese refusal, itself accessible
    assert "使用済み" in page.get_by_role("alert").inner_text()
    check(page)


def test_the_preferences_form_works_without_javascript(live_server, hanako, browser):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 375, "height": 800}, locale="ja-JP")
    page = context.new_page()
    log_in(page, live_server)
    page.goto(live_server.url + "/my/preferences/")
    page.get_by_label("すべての会社からの、すべての方法によるご案内を停止する").check()
    page.get_by_role("button", name="保存する").click()
    page.wait_for_url("**/my/receipts/*/")
    assert "受付番号" in page.get_by_role("status").inner_text()
    assert not hanako.preferences.filter(allowed=True).exists() and hanako.preferences.count() == 12
    context.close()
