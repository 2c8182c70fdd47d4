"""In a real Chromium: a 承認者 starts a notice campaign only after seeing the email exactly as it will be sent
(subject and body, for a sample customer) and the number of customers it reaches, and confirming; an 編集者 who
opens the start page is told it is the two-person rule and who can start it."""

import pytest

from campaigns.models import Campaign
from campaigns.services import campaign_prepare
from consents.emails import notice_change_email
from customers.models import Policyholder
from tests import personas
from tests.factories import PolicyholderFactory, announced_group_version

from .test_admin_workflow import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [375, 1280])
def test_campaign_start_shows_the_email_and_the_count_and_needs_a_confirmation(
    live_server, demo_content, page_at, assert_accessible, width
):
    editor, approver = personas.editor(), personas.approver()
    PolicyholderFactory.create_batch(3)
    PolicyholderFactory(email="", postal_code="100-0001", address1="東京都千代田区千代田1-1")
    version = announced_group_version(editor=editor)
    campaign = campaign_prepare(user=editor, notice_version=version, by_email=True, by_post=True)
    start = f"{live_server.url}/admin/campaigns/campaign/{campaign.pk}/start/"

    refused_page = page_at(width)
    log_in(refused_page, live_server.url, "editor")
    assert refused_page.goto(start).status == 403
    refusal = refused_page.locator("main").inner_text()
    assert "二者確認のルールにより" in refusal and "開始できる承認者：approver" in refusal

    page = page_at(width)
    log_in(page, live_server.url, "approver")
    page.goto(f"{live_server.url}/admin/campaigns/campaign/{campaign.pk}/change/")
    page.get_by_role("link", name="お知らせを開始する").click()
    page.wait_for_url(start)
    expected = notice_change_email(policyholder=Policyholder(name="見本 花子", email="x@example.com"), version=version)
    assert page.locator(".start-email-subject").inner_text() == expected.subject
    assert page.locator(".start-email-body").inner_text().strip() == expected.body.strip()
    forecast = page.locator(".start-forecast").inner_text()
    assert "メール：3名" in forecast and "郵送リスト：1名" in forecast
    assert_accessible(page)

    # Without the confirmation nothing starts.
    page.get_by_role("button", name="開始する（4名にお知らせ）").click()
    assert "チェックを入れてから開始してください" in page.locator(".errornote").inner_text()
    assert Campaign.objects.get(pk=campaign.pk).status == Campaign.Status.PREPARED

    page.get_by_label("メールの内容を確認しました。4名のお客さまへのお知らせを開始します。").check()
    page.get_by_role("button", name="開始する（4名にお知らせ）").click()
    page.wait_for_url(f"**/admin/campaigns/campaign/{campaign.pk}/change/")
    assert Campaign.objects.get(pk=campaign.pk).started_by == approver
