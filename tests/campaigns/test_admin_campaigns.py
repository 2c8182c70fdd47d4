"""編集者 prepare a campaign in the admin, another person (承認者) starts it; both follow its progress."""

import datetime

import pytest
from django.core import mail

from campaigns.models import Campaign
from campaigns.services import campaign_prepare
from tests import personas
from tests.conftest import run_due_jobs
from tests.factories import PolicyholderFactory

ADD = "/admin/campaigns/campaign/add/"
START = {"confirm": "yes"}


def change_url(campaign):
    return f"/admin/campaigns/campaign/{campaign.pk}/change/"


def test_an_editor_prepares_a_campaign_for_the_announced_version(client, editor, announced):
    client.force_login(editor)
    form = client.get(ADD).content.decode()
    assert f'<option value="{announced.pk}">' in form
    response = client.post(ADD, {"notice_version": announced.pk, "by_email": "on", "by_post": "on"})
    assert response.status_code == 302
    campaign = Campaign.objects.get()
    assert (campaign.notice_version, campaign.prepared_by, campaign.status) == (announced, editor, "prepared")


def test_a_campaign_without_a_channel_is_refused_with_a_400(client, editor, announced):
    client.force_login(editor)
    response = client.post(ADD, {"notice_version": announced.pk})
    assert response.status_code == 400
    assert "メール・郵送のいずれか" in response.content.decode()
    assert not Campaign.objects.exists()


def test_a_version_in_force_is_not_offered(client, editor, demo_content):
    from notices.models import NoticeVersion

    in_force = NoticeVersion.objects.joint_use().in_force(on=datetime.date(2026, 11, 30)).first()
    client.force_login(editor)
    assert f'<option value="{in_force.pk}">' not in client.get(ADD).content.decode()
    response = client.post(ADD, {"notice_version": in_force.pk, "by_email": "on"})
    assert response.status_code == 400 and not Campaign.objects.exists()


def test_an_approver_starts_it_and_sees_the_progress(client, editor, approver, announced):
    PolicyholderFactory.create_batch(3)
    campaign = campaign_prepare(user=editor, notice_version=announced, by_email=True, by_post=False)
    client.force_login(approver)
    page = client.get(change_url(campaign)).content.decode()
    assert "お知らせを開始する" in page and "共同して利用する者の範囲" in page
    response = client.post(f"/admin/campaigns/campaign/{campaign.pk}/start/", START)
    assert response.status_code == 302
    run_due_jobs()  # the workers select the recipients, hand the batch to the outbox and send it
    assert len(mail.outbox) == 3
    page = client.get(change_url(campaign)).content.decode()
    assert '<td class="campaign-sent">3（100.0%）</td>' in page
    assert '<td class="campaign-waiting">0</td>' in page and '<td class="campaign-failed">0</td>' in page


def test_whoever_prepared_it_cannot_start_it(client, announced, editor):
    both = personas.staff("both", "編集者")
    both.groups.add(*personas.approver("approver2").groups.all())
    campaign = campaign_prepare(user=both, notice_version=announced, by_email=True, by_post=True)
    client.force_login(both)
    page = client.get(f"/admin/campaigns/campaign/{campaign.pk}/start/").content.decode()
    assert "二者確認" in page and 'name="confirm"' not in page
    response = client.post(f"/admin/campaigns/campaign/{campaign.pk}/start/", START)
    assert response.status_code == 409
    assert "別の人が開始する必要があります（二人体制のルール）" in response.content.decode()
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.PREPARED


def test_an_editor_cannot_start_it(client, editor, approver, announced):
    other = personas.editor("editor2")
    campaign = campaign_prepare(user=other, notice_version=announced, by_email=True, by_post=True)
    client.force_login(editor)
    for response in (client.get(f"/admin/campaigns/campaign/{campaign.pk}/start/"),
                     client.post(f"/admin/campaigns/campaign/{campaign.pk}/start/", START)):
        assert response.status_code == 403
        # Which rule refused, and who can do it.
        assert "二者確認のルールにより" in response.content.decode() and "approver" in response.content.decode()
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.PREPARED


def test_starting_twice_is_refused(client, editor, approver, announced):
    campaign = campaign_prepare(user=editor, notice_version=announced, by_email=True, by_post=True)
    client.force_login(approver)
    client.post(f"/admin/campaigns/campaign/{campaign.pk}/start/", START)
    response = client.post(f"/admin/campaigns/campaign/{campaign.pk}/start/", START)
    assert response.status_code == 409 and "すでに開始されています" in response.content.decode()


def test_a_started_campaign_cannot_be_changed_or_deleted(client, editor, approver, announced):
    campaign = campaign_prepare(user=editor, notice_version=announced, by_email=True, by_post=True)
    client.force_login(approver)
    client.post(f"/admin/campaigns/campaign/{campaign.pk}/start/", START)
    client.force_login(editor)
    client.post(change_url(campaign), {"by_email": "on"})
    campaign.refresh_from_db()
    assert campaign.by_post is True
    assert client.post(f"/admin/campaigns/campaign/{campaign.pk}/delete/", {"post": "yes"}).status_code == 403


def test_the_database_refuses_a_start_by_the_preparer(editor, announced):
    from django.db import IntegrityError
    from django.utils import timezone

    campaign = campaign_prepare(user=editor, notice_version=announced, by_email=True, by_post=True)
    with pytest.raises(IntegrityError):
        Campaign.objects.filter(pk=campaign.pk).update(status="sending", started_by=editor, started_at=timezone.now())


def test_a_get_on_the_start_address_changes_nothing(client, editor, approver, announced):
    campaign = campaign_prepare(user=editor, notice_version=announced, by_email=True, by_post=True)
    client.force_login(approver)
    assert client.get(f"/admin/campaigns/campaign/{campaign.pk}/start/").status_code == 200
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.PREPARED


def test_the_start_page_shows_the_email_as_sent_and_the_count_and_needs_a_confirmation(
    client, editor, approver, announced
):
    PolicyholderFactory.create_batch(2)
    PolicyholderFactory(email="", postal_code="100-0001", address1="東京都千代田区千代田1-1")
    PolicyholderFactory(email="")
    campaign = campaign_prepare(user=editor, notice_version=announced, by_email=True, by_post=True)
    client.force_login(approver)
    url = f"/admin/campaigns/campaign/{campaign.pk}/start/"
    page = client.get(url).content.decode()
    assert "メール：2名" in page and "郵送リスト：1名" in page and "選んだ方法の宛先がないお客さま：1名" in page
    assert "開始する（3名にお知らせ）" in page
    # The subject and body the outbox will send, for a sample customer.
    from consents.emails import notice_change_email
    from customers.models import Policyholder

    message = notice_change_email(policyholder=Policyholder(name="見本 花子", email="x@example.com"), version=announced)
    assert f'<dd class="start-email-subject">{message.subject}</dd>' in page
    assert "見本 花子 様" in page and "■ 同意のお願い" in page
    # Without the confirmation nothing starts.
    response = client.post(url)
    assert response.status_code == 400 and "チェックを入れてから開始してください" in response.content.decode()
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.PREPARED
    assert client.post(url, START).status_code == 302
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.SENDING
