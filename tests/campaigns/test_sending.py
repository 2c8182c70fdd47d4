"""A started campaign emails every policyholder with an address exactly once, through the outbox, in batches
at the configured rate, and records each email as notice given when it is sent. The campaign is a row the
workers run (core/jobs.py): a batch that fails is tried again later, one whose worker died is run by the next
pass, and a campaign whose work keeps failing stops visibly until staff try it again."""

import datetime
import re
from unittest import mock

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import OperationalError
from django.utils import timezone

from campaigns import sending
from campaigns.models import Campaign, Recipient
from campaigns.services import campaign_prepare, campaign_resume, campaign_start, campaign_stop
from consents.models import NoticeRecord
from core import jobs
from outbox.models import OutgoingEmail
from tests.conftest import run_due_jobs, sent
from tests.factories import PolicyholderFactory


def start(announced, editor, approver, **channels) -> Campaign:
    channels = {"by_email": True, "by_post": True, **channels}
    campaign = campaign_prepare(user=editor, notice_version=announced, **channels)
    return campaign_start(campaign=campaign, user=approver)


def emails_to(address: str) -> list:
    return [message for message in mail.outbox if message.to == [address]]



def test_a_campaign_over_the_demo_policyholders_emails_each_with_an_address_once(
    announced, editor, approver, demo_policyholders
):
    with_email = [holder for holder in demo_policyholders if holder.email]
    assert len(with_email) >= 2 and len(with_email) < len(demo_policyholders)
    campaign = start(announced, editor, approver)
    assert run_due_jobs()
    assert run_due_jobs() == 0  # nothing is left for a second pass to send
    for holder in with_email:
        assert len(emails_to(holder.email)) == 1, holder.email
    assert len(mail.outbox) == len(with_email)
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.FINISHED
    assert (campaign.email_recipients, campaign.post_recipients + campaign.unreachable) == (
        len(with_email), len(demo_policyholders) - len(with_email)
    )
    records = NoticeRecord.objects.filter(kind=NoticeRecord.Kind.INFORMED_EMAIL, notice_version=announced)
    assert sorted(records.values_list("policyholder__email", flat=True)) == sorted(h.email for h in with_email)
    assert set(records.values_list("campaign_id", flat=True)) == {campaign.pk}
    call_command("verify_consent_chain", verbosity=0)


def test_the_email_summarises_the_change_in_japanese_with_both_links(announced, editor, approver, demo_policyholders):
    start(announced, editor, approver)
    run_due_jobs()
    message = emails_to("hanako@example.com")[0]
    body = message.body
    assert "楽天 花子 様" in body
    assert "2030年4月1日（令和12年4月1日）" in message.subject and "2030年4月1日（令和12年4月1日）" in body
    assert "・共同利用の目的を変更します。" in body
    assert "加わる会社：楽天ペイメント株式会社" in body
    assert "楽天ペイメント株式会社を共同利用者に加えるため。" in body
    assert re.search(r"http://\S+/notices/group-joint-use/compare/2019-06-03/2030-04-01/", body)
    assert re.search(r"http://\S+/notices/group-joint-use/2030-04-01/", body)
    # Consent is the ground for the new joint user: the customer is asked to answer on their page.
    assert "「同意する」または「同意しない」" in body and "/my/" in body
    assert "個人データの管理について責任を有する者を変更します" not in body
    assert re.search(r"お問合せ窓口：http://\S+/contact/", body)  # the group's one signature


def test_emails_go_in_batches_at_the_configured_rate(announced, editor, approver, demo_content, settings):
    settings.CAMPAIGN_EMAILS_PER_MINUTE, settings.CAMPAIGN_BATCH_SECONDS = 30, 10  # 5 every 10 seconds
    PolicyholderFactory.create_batch(12)
    began = timezone.now()
    with time_machine.travel(began, tick=False) as clock:
        campaign = start(announced, editor, approver)
        run_due_jobs()
        assert len(sent()) == 5
        assert run_due_jobs() == 0  # the next batch is not due yet
        assert len(sent()) == 5
        campaign.refresh_from_db()
        assert campaign.next_attempt_at == timezone.now() + datetime.timedelta(seconds=10)
        clock.shift(datetime.timedelta(seconds=10))
        run_due_jobs()
        assert len(sent()) == 10
        clock.shift(datetime.timedelta(seconds=10))
        run_due_jobs()
    assert len(mail.outbox) == 12 and len({m.to[0] for m in mail.outbox}) == 12
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.FINISHED


def test_a_worker_dying_mid_batch_leaves_nobody_emailed_twice(announced, editor, approver, demo_content):
    """The batch is one transaction: a worker killed half-way rolls back every email it queued, the campaign
    stays due, and the next pass (any worker's) sends to each of them once."""
    PolicyholderFactory.create_batch(6)
    real_queue = sending.outgoing_email_queue
    calls = []

    def dies_on_the_fourth(**kwargs):
        calls.append(kwargs["policyholder"].pk)
        if len(calls) == 4:
            raise SystemExit("worker killed")
        return real_queue(**kwargs)

    began = timezone.now()
    with time_machine.travel(began, tick=False):
        campaign = start(announced, editor, approver)
        with mock.patch.object(sending, "outgoing_email_queue", dies_on_the_fourth), pytest.raises(SystemExit):
            run_due_jobs()  # selects the recipients, then dies in the first batch
        assert sent() == []
        assert not OutgoingEmail.objects.exists()
        assert Recipient.objects.filter(state=Recipient.State.PENDING, channel="email").count() == 6
        campaign.refresh_from_db()
        # Nothing to recover by hand: still sending, still due, and no attempt counted against it.
        assert (campaign.status, campaign.attempts) == (Campaign.Status.SENDING, 0)
        assert campaign.recipients_selected_at is not None and campaign.next_attempt_at <= timezone.now()
        run_due_jobs()
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        Recipient.objects.filter(campaign=campaign).values_list("policyholder__email", flat=True)
    )
    assert len(mail.outbox) == 6


def test_a_finished_campaign_is_not_taken_again(announced, editor, approver, demo_content):
    PolicyholderFactory.create_batch(3)
    campaign = start(announced, editor, approver)
    run_due_jobs()
    campaign.refresh_from_db()
    assert (campaign.status, campaign.next_attempt_at) == (Campaign.Status.FINISHED, None)
    assert not jobs.job_run_one(sending.CAMPAIGNS, pk=campaign.pk)  # another worker finds nothing to claim
    assert run_due_jobs() == 0
    assert len(mail.outbox) == 3


def test_selecting_again_adds_nobody_twice(announced, editor, approver, demo_content):
    PolicyholderFactory.create_batch(3)
    campaign = start(announced, editor, approver)
    run_due_jobs()
    Campaign.objects.filter(pk=campaign.pk).update(recipients_selected_at=None, status=Campaign.Status.SENDING)
    sending.recipients_select(Campaign.objects.get(pk=campaign.pk))
    assert Recipient.objects.filter(campaign=campaign).count() == 3
    run_due_jobs()
    assert len(mail.outbox) == 3


def test_a_stopped_campaign_emails_nobody_more_until_resumed(announced, editor, approver, demo_content, settings):
    settings.CAMPAIGN_EMAILS_PER_MINUTE = 12  # 2 every 10 seconds
    PolicyholderFactory.create_batch(5)
    began = timezone.now()
    with time_machine.travel(began, tick=False) as clock:
        campaign = start(announced, editor, approver)
        run_due_jobs()
        assert len(sent()) == 2
        campaign_stop(campaign=campaign, user=approver)
        clock.shift(datetime.timedelta(minutes=10))
        assert run_due_jobs() == 0  # a stopped campaign is not due, however long it waits
        assert len(sent()) == 2
        campaign_resume(campaign=campaign, user=approver)
        for _ in range(3):
            run_due_jobs()
            clock.shift(datetime.timedelta(seconds=10))
    assert len(mail.outbox) == 5 and len({m.to[0] for m in mail.outbox}) == 5


def test_an_email_that_failed_is_counted_and_not_recorded_as_notice(announced, editor, approver, demo_content,
                                                                     settings):
    settings.EMAIL_BACKEND = "tests.consents.conftest.BrokenEmailBackend"
    holder = PolicyholderFactory()
    start(announced, editor, approver)
    run_due_jobs()
    email = OutgoingEmail.objects.get(policyholder=holder)
    assert email.status == OutgoingEmail.Status.QUEUED and email.attempts == 1
    assert not NoticeRecord.objects.exists()


def test_a_version_withdrawn_mid_campaign_stops_it(announced, editor, approver, demo_content, settings):
    from notices.services import notice_version_withdraw

    settings.CAMPAIGN_EMAILS_PER_MINUTE = 6
    PolicyholderFactory.create_batch(3)
    began = timezone.now()
    with time_machine.travel(began, tick=False) as clock:
        campaign = start(announced, editor, approver)
        run_due_jobs()
        assert len(sent()) == 1
        notice_version_withdraw(version=announced, user=approver, reason="法務確認のやり直し")
        clock.shift(datetime.timedelta(seconds=10))
        run_due_jobs()
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.STOPPED and len(mail.outbox) == 1


def test_evidence_of_a_campaign_rewritten_afterwards_is_caught(announced, editor, approver, demo_policyholders):
    """Backdating a notice, or removing a customer's notice record, shows in verify_consent_chain."""
    from django.core.management import CommandError

    start(announced, editor, approver)
    run_due_jobs()
    call_command("consent_checkpoint", "--settle-seconds", "0")
    call_command("verify_consent_chain", verbosity=0)
    record = NoticeRecord.objects.filter(kind=NoticeRecord.Kind.INFORMED_EMAIL).first()
    NoticeRecord.objects.filter(pk=record.pk).update(created_at=record.created_at - datetime.timedelta(days=40))
    with pytest.raises(CommandError, match=f"Notice record {record.pk} .*does not match its hash"):
        call_command("verify_consent_chain", verbosity=0)
    NoticeRecord.objects.filter(pk=record.pk).delete()
    with pytest.raises(CommandError, match="do not match the checkpoint"):
        call_command("verify_consent_chain", verbosity=0)


def test_a_failing_batch_is_tried_again_later_and_the_campaign_stops_visibly_after_the_last_attempt(
    announced, editor, approver, demo_content, client, caplog
):
    from django.contrib.auth.models import Permission

    PolicyholderFactory.create_batch(3)

    def database_lost(**kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    with time_machine.travel("2026-04-01 10:00 +0900", tick=False) as clock:
        campaign = start(announced, editor, approver)
        with mock.patch.object(sending, "outgoing_email_queue", database_lost):
            run_due_jobs()
            campaign.refresh_from_db()
            # The batch rolled back: nobody handed to the outbox, the campaign tried again later.
            assert (campaign.status, campaign.attempts, campaign.last_error) == ("sending", 1, "OperationalError")
            assert campaign.next_attempt_at == timezone.now() + jobs.retry_delay(1)
            assert f"notice campaign {campaign.pk} failed, attempt 1: OperationalError; next attempt at" in caplog.text
            assert not OutgoingEmail.objects.exists()
            assert Recipient.objects.filter(campaign=campaign, state=Recipient.State.PENDING).count() == 3
            assert run_due_jobs() == 0  # not before its time
            for _ in range(jobs.MAX_ATTEMPTS):
                clock.shift(datetime.timedelta(hours=1))
                run_due_jobs()
        campaign.refresh_from_db()
        assert (campaign.status, campaign.attempts) == (Campaign.Status.FAILED, jobs.MAX_ATTEMPTS)
        assert f"Gave up notice campaign {campaign.pk} after {jobs.MAX_ATTEMPTS} attempts" in caplog.text
        clock.shift(datetime.timedelta(days=1))
        assert run_due_jobs() == 0 and not sent()  # given up: no worker takes it on its own
        # No role is given the permission yet (staff/migrations): whoever may retry a campaign has it.
        approver.user_permissions.add(Permission.objects.get(codename="retry_campaign"))
        client.force_login(approver)
        page = client.get(f"/admin/campaigns/campaign/{campaign.pk}/change/").content.decode()
        assert "エラーが続いたため停止" in page and "OperationalError" in page
        # The shared 「再試行」 action: it goes on from where it was, with a fresh set of attempts.
        response = client.post(
            "/admin/campaigns/campaign/", {"action": "retry_given_up", "_selected_action": [campaign.pk]}, follow=True
        )
        assert "1件を再試行します" in response.content.decode()
        run_due_jobs()
        assert len(sent()) == 3 and len({m.to[0] for m in sent()}) == 3
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.FINISHED

