"""A notice campaign sent by real workers (manage.py run_worker) on PostgreSQL to a local SMTP server:
every recipient gets exactly one email, whether two workers share the campaign or one is killed mid-campaign."""

import collections
import time

import pytest
from django.core.management import call_command

from campaigns.models import Campaign
from campaigns.services import campaign_prepare, campaign_start
from consents.models import NoticeRecord
from outbox.models import OutgoingEmail
from tests import personas
from tests.factories import PolicyholderFactory, announced_group_version
from tests.stack import SmtpSink

# Two emails every second: a campaign of 40 takes some 20 s, long enough to kill a worker in the middle.
RATE = {"CAMPAIGN_EMAILS_PER_MINUTE": 120, "CAMPAIGN_BATCH_SECONDS": 1}


@pytest.fixture
def campaign(stack):
    holders = PolicyholderFactory.create_batch(40)
    editor, approver = personas.editor(), personas.approver()
    version = announced_group_version(editor=editor)
    campaign = campaign_prepare(user=editor, notice_version=version, by_email=True, by_post=True)
    campaign_start(campaign=campaign, user=approver)
    return campaign, {holder.email for holder in holders}


def recipients(smtp: SmtpSink) -> collections.Counter:
    return collections.Counter(message["To"] for message in smtp.messages)


def assert_each_told_once(smtp: SmtpSink, addresses: set[str], campaign: Campaign) -> None:
    counts = recipients(smtp)
    assert set(counts) == addresses
    assert [address for address, count in counts.items() if count > 1] == []
    assert not OutgoingEmail.objects.exclude(status=OutgoingEmail.Status.SENT).exists()
    records = NoticeRecord.objects.filter(kind=NoticeRecord.Kind.INFORMED_EMAIL, campaign_id=campaign.pk)
    assert records.count() == len(addresses)
    call_command("verify_consent_chain", verbosity=0)
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.FINISHED


def test_two_workers_tell_each_customer_once(stack, campaign, smtp):
    campaign, addresses = campaign
    stack.worker(EMAIL_URL=smtp.url, **RATE)
    stack.worker(EMAIL_URL=smtp.url, **RATE)
    smtp.wait_for(lambda subjects: len(recipients(smtp)) >= 40, timeout=90, what="40 notices")
    time.sleep(1)  # anything sent twice would arrive now
    assert_each_told_once(smtp, addresses, campaign)
    assert all("改定のお知らせ" in subject for subject in smtp.subjects())


def test_a_worker_killed_mid_campaign_leaves_nobody_told_twice_or_not_at_all(stack, campaign, smtp):
    campaign, addresses = campaign
    first = stack.worker(EMAIL_URL=smtp.url, **RATE)
    smtp.wait_for(lambda subjects: len(subjects) >= 10, timeout=60, what="the first notices")
    smtp.hold()
    assert smtp.stalled.wait(30), "the worker never began to send"
    first.kill()  # mid-campaign, while the SMTP server has the sender but not yet the message
    smtp.release()
    assert len(recipients(smtp)) < 40
    stack.worker(EMAIL_URL=smtp.url, **RATE)
    # The email the killed worker held is still queued and due (its transaction died with it): the next worker's
    # pass sends it, and its batches go on from where the campaign was.
    smtp.wait_for(lambda subjects: len(recipients(smtp)) >= 40, timeout=180, what="every notice")
    time.sleep(1)
    assert_each_told_once(smtp, addresses, campaign)
