"""Policyholders imported after a campaign started are told too, while its version is still ahead: the periodic
job adds them (campaigns.tasks.campaign_newcomers_add), a finished campaign sends to them, a stopped one waits."""

import datetime

import time_machine
from django.core import mail

from campaigns.models import Campaign, Recipient
from campaigns.sending import recipients_select
from campaigns.services import campaign_prepare, campaign_resume, campaign_start, campaign_stop
from campaigns.tasks import campaign_newcomers_add
from tests.campaigns.conftest import EFFECTIVE
from tests.conftest import run_due_jobs
from tests.factories import PolicyholderFactory


def started(announced, editor, approver) -> Campaign:
    campaign = campaign_prepare(user=editor, notice_version=announced, by_email=True, by_post=True)
    return campaign_start(campaign=campaign, user=approver)


def test_a_policyholder_imported_after_a_finished_campaign_is_emailed_once(announced, editor, approver):
    PolicyholderFactory(email="first@example.com")
    campaign = started(announced, editor, approver)
    run_due_jobs()
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.FINISHED and len(mail.outbox) == 1

    PolicyholderFactory(email="late@example.com")
    PolicyholderFactory(email="", postal_code="100-0001", address1="東京都千代田区千代田1-1")
    campaign_newcomers_add.call()
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.SENDING
    assert (campaign.email_recipients, campaign.post_recipients) == (2, 1)
    run_due_jobs()
    assert sorted(message.to[0] for message in mail.outbox) == ["first@example.com", "late@example.com"]
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.FINISHED
    # The postal newcomer waits for the next download of the postal list.
    assert Recipient.objects.get(campaign=campaign, channel="post").state == Recipient.State.PENDING
    # Again: nobody is added twice, nobody is emailed twice.
    assert campaign_newcomers_add.call() == 0
    run_due_jobs()
    assert len(mail.outbox) == 2


def test_a_stopped_campaign_keeps_its_newcomers_until_it_is_resumed(announced, editor, approver):
    PolicyholderFactory(email="first@example.com")
    campaign = started(announced, editor, approver)
    recipients_select(campaign)  # the worker's first step, then staff stop it before any batch
    campaign_stop(campaign=campaign, user=approver)
    PolicyholderFactory(email="late@example.com")
    assert campaign_newcomers_add.call() == 1
    run_due_jobs()
    assert mail.outbox == []
    campaign_resume(campaign=campaign, user=approver)
    run_due_jobs()
    assert sorted(message.to[0] for message in mail.outbox) == ["first@example.com", "late@example.com"]


def test_nobody_is_added_once_the_version_is_in_force(announced, editor, approver):
    campaign = started(announced, editor, approver)
    run_due_jobs()
    with time_machine.travel(datetime.datetime.combine(EFFECTIVE, datetime.time(9))):
        PolicyholderFactory(email="after@example.com")
        assert campaign_newcomers_add.call() == 0
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.FINISHED and not campaign.recipients.exists()


def test_a_prepared_campaign_is_left_alone(announced, editor):
    campaign = campaign_prepare(user=editor, notice_version=announced, by_email=True, by_post=True)
    PolicyholderFactory(email="x@example.com")
    assert campaign_newcomers_add.call() == 0
    assert not campaign.recipients.exists()
