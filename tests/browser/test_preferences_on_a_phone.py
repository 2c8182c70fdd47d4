"""The preference center on a phone and a desktop: every channel of every company can be reached and set
without scrolling sideways, axe-core finds nothing, and neither a second tab nor an ended login loses or
hides anything."""

import re

import pytest
from django.core import mail

from consents.models import ConsentEvent, Preference
from notices.models import Company
from tests.consents.conftest import emailed_link

from .test_preference_center import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The value that is not the initial setting, for each channel.
CHANNELS = {
    "ウェブ広告": "受け取らない",
    "DM（ダイレクトメール）": "受け取らない",
    "メールマガジン": "受け取る",
    "電話": "受け取らない",
}


def no_sideways_scroll(page, width):
    assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url


def radio(page, company, channel, value):
    return page.get_by_role("radio", name=re.compile(rf"^{company}／{re.escape(channel)}：\s*{value}"))


@pytest.mark.parametrize("width", [320, 375, 1280])
def test_every_channel_of_every_company_can_be_set_without_scrolling_sideways(
    live_server, hanako, page_at, assert_accessible, width  # noqa: F811
):
    page = page_at(width)
    log_in(page, live_server)
    page.goto(live_server.url + "/my/preferences/")
    no_sideways_scroll(page, width)
    assert_accessible(page)
    companies = list(Company.objects.filter(markets_to_customers=True))
    # The company with the customer's contract comes first.
    assert page.get_by_role("rowheader").first.inner_text().startswith("楽天生命保険株式会社")
    for company in companies:
        for channel, value in CHANNELS.items():
            choice = radio(page, company.short_name, channel, value)
            choice.scroll_into_view_if_needed()
            box = choice.bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= width, (company, channel)
            choice.check()  # a real click: fails if anything covers the radio
    no_sideways_scroll(page, width)
    page.get_by_role("button", name="保存する").click()
    page.wait_for_url("**/my/receipts/*/")
    no_sideways_scroll(page, width)
    assert ConsentEvent.objects.count() == len(companies) * 4
    assert Preference.objects.filter(allowed=True).count() == len(companies)  # the email opt-ins

    page.goto(live_server.url + "/my/history/")
    no_sideways_scroll(page, width)
    assert_accessible(page)
    number = page.locator(".receipt-number").first
    assert number.evaluate("e => e.getClientRects().length") == 1  # on one line, not broken mid-token
    assert "令和" in page.get_by_role("main").inner_text()


def test_a_second_tab_is_told_what_the_first_changed(live_server, hanako, page_at):  # noqa: F811
    first = page_at(375)
    log_in(first, live_server)
    second = first.context.new_page()
    second.goto(live_server.url + "/my/preferences/")
    first.goto(live_server.url + "/my/preferences/")
    radio(first, "楽天生命", "電話", "受け取らない").check()
    first.get_by_role("button", name="保存する").click()
    first.wait_for_url("**/my/receipts/*/")

    assert radio(second, "楽天生命", "電話", "受け取る").is_checked()  # the old tab still shows 受け取る
    second.get_by_role("button", name="保存する").click()
    second.wait_for_url("**/my/preferences/")
    status = second.get_by_role("status").inner_text()
    assert "変更はありませんでした" not in status and "楽天生命／電話：受け取らない" in status
    assert radio(second, "楽天生命", "電話", "受け取らない").is_checked()
    assert Preference.objects.get(company__short_name="楽天生命", channel__code="phone").allowed is False


def test_choices_made_before_the_login_ended_survive_logging_in_again(
    live_server, hanako, page_at, assert_accessible  # noqa: F811
):
    page = page_at(375)
    log_in(page, live_server)
    page.goto(live_server.url + "/my/preferences/")
    radio(page, "楽天生命", "DM（ダイレクトメール）", "受け取らない").check()
    page.context.clear_cookies(name="sessionid")  # what the browser does when the idle timeout passes
    page.get_by_role("button", name="保存する").click()
    page.wait_for_url("**/login/?required=1")
    assert "まだ保存されていません" in page.get_by_role("status").inner_text()
    assert not ConsentEvent.objects.exists()

    page.get_by_label("メールアドレス").fill("hanako@example.com")
    page.get_by_role("button", name="ログイン用リンクを送る").click()
    page.wait_for_url("**/login/sent/")
    page.goto(live_server.url + emailed_link(mail.outbox[-1]))
    page.get_by_role("button", name="ログイン", exact=True).click()
    page.wait_for_url("**/my/preferences/")
    assert "保存されていません" in page.get_by_role("status").first.inner_text()
    assert radio(page, "楽天生命", "DM（ダイレクトメール）", "受け取らない").is_checked()
    assert_accessible(page)
    page.get_by_role("button", name="保存する").click()
    page.wait_for_url("**/my/receipts/*/")
    event = ConsentEvent.objects.get()
    assert (event.company.short_name, event.channel.code, event.new_value) == ("楽天生命", "direct_mail", False)


def test_with_javascript_the_page_warns_before_the_login_ends(live_server, hanako, page_at):  # noqa: F811
    page = page_at(375)
    log_in(page, live_server)
    page.clock.install()
    page.goto(live_server.url + "/my/preferences/")
    warning = page.locator("#session-warning")
    assert warning.is_hidden()
    page.clock.run_for("24:00")
    assert warning.is_hidden()
    page.clock.run_for("02:00")
    assert "5分以内" in warning.inner_text()
    page.clock.run_for("05:00")
    assert "ログインの有効期限が切れました" in warning.inner_text()
