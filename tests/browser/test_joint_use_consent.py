"""A customer of before a consent-ground version in force reads the change on /my/ and declines: /my/ then shows
the answer given and when (not the buttons), the confirmation email arrives with its record number, 変更履歴
lists it, and changing the answer on /my/joint-use/<id>/ is recorded, emailed and followed by the API. axe-core
finds nothing on these pages, on a phone and on a desktop."""

import re

import pytest
from django.core import mail
from django.test import Client

from consents.models import NoticeRecord
from tests.browser.test_preference_center import log_in
from tests.factories import ApiClientFactory
from tests.reconsent import consent_version, customer_since, days, new_company

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def joiner(demo_content):
    return new_company(legal_name="楽天カード株式会社", short_name="楽天カード")


@pytest.fixture
def holder(demo_content):
    return customer_since(days(-400), name="楽天 花子", email="hanako@example.com")


@pytest.fixture
def version(holder, joiner):
    # In force since five days: the answer decides what the API says about the added company.
    return consent_version(effective_date=days(-5), add=[joiner], extra_item="クレジットカードのご利用状況")


def api_answer(holder, company) -> tuple[bool, str]:
    token = ApiClientFactory(companies=[company]).token
    body = Client().get(
        "/api/v1/contact-permission",
        {"customer": holder.customer_number, "company": company.pk, "channel": "direct_mail"},
        headers={"Authorization": f"Bearer {token}"},
    ).json()
    return body["allowed"], body["decided_by"]["kind"]


def answer_emails() -> list:
    return [message for message in mail.outbox if "同意のお願いへのご回答" in message.subject]


@pytest.mark.parametrize("width", [375, 1280])
def test_a_customer_declines_sees_the_answer_and_changes_it(
    live_server, holder, joiner, version, page_at, assert_accessible, width
):
    def check(page):
        assert_accessible(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url

    assert api_answer(holder, joiner) == (False, "joint_use_not_consented")
    page = page_at(width)
    log_in(page, live_server)
    question = page.get_by_role("region", name="同意のお願い")
    assert "楽天カード株式会社" in question.inner_text() and "令和" in question.inner_text()
    check(page)

    # 同意しない: the confirmation page, then /my/ shows the answer instead of the question's buttons.
    question.get_by_role("button", name="同意しない", exact=True).click()
    page.wait_for_url(f"**/my/joint-use/{version.pk}/")
    record = NoticeRecord.objects.get(kind="declined")
    assert re.fullmatch(r"\d{8}-[0-9A-F]{8}", record.number)
    status = page.get_by_role("status").inner_text()
    assert "「同意しない」とのご回答を受け付けました。" in status and record.number in status
    assert record.number in page.get_by_role("region", name="受け付けたご回答").inner_text()
    check(page)
    page.goto(f"{live_server.url}/my/")
    answered = page.get_by_role("region", name="同意のお願い")
    assert answered.get_by_role("button").count() == 0
    text = answered.inner_text()
    assert "同意しない" in text and "令和" in text and record.number in text
    check(page)

    # The email confirms it, with the number.
    [message] = answer_emails()
    assert message.to == ["hanako@example.com"] and record.number in message.subject
    assert "ご回答：同意しない" in message.body
    assert api_answer(holder, joiner) == (False, "declined_joint_use")

    # 変更履歴 lists it with its number.
    page.get_by_role("link", name="変更履歴").first.click()
    page.wait_for_url("**/my/history/")
    answers = page.get_by_role("region", name="同意のお願いへのご回答")
    assert record.number in answers.inner_text() and "同意しない" in answers.inner_text()
    check(page)

    # Changed on the answer's page: recorded in the chain, emailed, and the API follows at once.
    page.goto(f"{live_server.url}/my/")
    page.get_by_role("link", name="ご回答の確認・変更").click()
    page.wait_for_url(f"**/my/joint-use/{version.pk}/")
    page.get_by_role("button", name="「同意する」に変更する").click()
    page.wait_for_url(f"**/my/joint-use/{version.pk}/")
    assert "ご回答を「同意する」に変更しました。" in page.get_by_role("status").inner_text()
    changed = NoticeRecord.objects.get(kind="consented")
    assert changed.previous_hash == record.hash
    check(page)
    assert [m.subject for m in answer_emails()][-1].endswith(f"（記録番号 {changed.number}）")
    assert "変更前のご回答：同意しない" in answer_emails()[-1].body
    assert api_answer(holder, joiner) == (True, "default")
    page.goto(f"{live_server.url}/my/history/")
    history = page.get_by_role("region", name="同意のお願いへのご回答").inner_text()
    assert changed.number in history and record.number in history
