"""Customer emails as rows the workers send (outbox/, core/jobs.py): queued with the change, sent once by a
worker's pass, retried after a mail outage, given up visibly and retried from the admin, and taken again
after a worker dies mid-send."""

import datetime
import smtplib
import uuid

import pytest
import time_machine
from django.core import mail
from django.db import transaction
from django.test import Client
from django.utils import timezone

from consents.models import ConsentEvent, Receipt, Source
from consents.services import preferences_update
from consents.unsubscribe import unsubscribe_url
from core import jobs
from outbox.models import OutgoingEmail
from outbox.sending import OUTBOX, outgoing_email_send_now
from tests.conftest import run_due_jobs, sent
from tests.consents.test_preferences import matrix_post


class RefusingEmailBackend:
    """An SMTP server that refuses the recipients, with their addresses in the error, as smtplib does."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise smtplib.SMTPRecipientsRefused({to: (550, b"mailbox unavailable") for m in messages for to in m.to})


@pytest.fixture
def smtp_down(settings):
    settings.EMAIL_BACKEND = "tests.outbox.test_sending.RefusingEmailBackend"


def change(policyholder, company, *, channel="direct_mail", allowed=False, source=Source.PORTAL, **extra):
    return preferences_update(
        policyholder=policyholder, changes={(company.pk, channel): allowed}, source=source,
        idempotency_key=uuid.uuid4().hex, **extra,
    )



def assert_logged_without_the_address(caplog, policyholder):
    assert "SMTPRecipientsRefused" in caplog.text
    assert policyholder.email not in caplog.text
    assert "Traceback" not in caplog.text and not any(record.exc_info for record in caplog.records)


def test_a_save_queues_its_receipt_email_and_a_workers_pass_sends_it_once(customer, policyholder, life):
    response = customer.post("/my/preferences/", matrix_post(life, direct_mail="off"))
    receipt = Receipt.objects.get()
    assert response["Location"] == f"/my/receipts/{receipt.number}/"
    email = OutgoingEmail.objects.get()
    assert (email.kind, email.receipt, email.status) == ("receipt", receipt, "queued")
    assert not sent()  # the request did not send it
    assert run_due_jobs() == 1
    assert run_due_jobs() == 0
    assert [m.to for m in sent()] == [[policyholder.email]]
    assert receipt.number in sent()[0].subject
    assert "受付経路：マイページ" in sent()[0].body
    email.refresh_from_db()
    assert (email.status, email.attempts, email.next_attempt_at) == ("sent", 1, None) and email.sent_at is not None


def test_a_change_rolled_back_leaves_no_email(policyholder, life):
    with pytest.raises(RuntimeError), transaction.atomic():
        change(policyholder, life)
        assert OutgoingEmail.objects.exists()
        raise RuntimeError("the caller's transaction fails after the change")
    assert not Receipt.objects.exists() and not OutgoingEmail.objects.exists()
    assert run_due_jobs() == 0 and not sent()


def test_a_repeated_submission_queues_no_second_email(customer, life):
    customer.post("/my/preferences/", matrix_post(life, direct_mail="off"))
    customer.post("/my/preferences/", matrix_post(life, direct_mail="off"))
    assert OutgoingEmail.objects.count() == 1 and len(mail.outbox) == 1


def test_staff_and_unsubscribe_changes_queue_their_receipts_too(policyholder, life, support_staff):
    change(policyholder, life, channel="email", allowed=True)
    change(policyholder, life, channel="phone", source=Source.STAFF, actor=support_staff, reason="電話での申出")
    url = unsubscribe_url(policyholder=policyholder, company=life, campaign="c").split("://", 1)[1]
    Client().post(url[url.index("/"):], data={"List-Unsubscribe": "One-Click"})
    assert ConsentEvent.objects.count() == 3
    assert OutgoingEmail.objects.filter(status="queued").count() == 3
    bodies = [m.body for m in mail.outbox]
    assert len(bodies) == 3
    assert any("担当者による代理登録" in body for body in bodies)
    assert any("ワンクリック配信停止" in body for body in bodies)


def test_the_login_link_jumps_the_queue(policyholder, life):
    change(policyholder, life)
    login = OutgoingEmail.objects.create(
        kind="login_link", policyholder=policyholder, priority=10, queued_at=timezone.now(),
        next_attempt_at=timezone.now(),
    )
    assert jobs.job_run_one(OUTBOX)
    login.refresh_from_db()
    assert login.status == "sent" and OutgoingEmail.objects.get(kind="receipt").status == "queued"


def test_smtp_down_keeps_the_save_and_retries_later(customer, policyholder, life, settings, caplog, smtp_down):
    with time_machine.travel("2026-04-01 10:00 +0900", tick=False) as clock:
        response = customer.post("/my/preferences/", matrix_post(life, direct_mail="off"))
        assert response["Location"] == f"/my/receipts/{Receipt.objects.get().number}/"
        run_due_jobs()
        email = OutgoingEmail.objects.get()
        assert (email.status, email.attempts, email.last_error) == ("queued", 1, "SMTPRecipientsRefused")
        assert email.next_attempt_at == timezone.now() + datetime.timedelta(seconds=30)
        assert_logged_without_the_address(caplog, policyholder)

        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        assert run_due_jobs() == 0 and not sent()  # not before its time
        clock.shift(30)
        run_due_jobs()
    assert [m.to for m in sent()] == [[policyholder.email]]
    email.refresh_from_db()
    assert (email.status, email.attempts) == ("sent", 2)


def test_the_wait_doubles_up_to_an_hour(settings):
    settings.JOB_RETRY_SECONDS = 30
    waits = [jobs.retry_delay(n).total_seconds() for n in range(1, 10)]
    assert waits == [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]


def test_after_the_last_attempt_staff_see_it_and_send_it_again(
    policyholder, life, smtp_down, settings, client, support_staff
):
    with time_machine.travel("2026-04-01 10:00 +0900", tick=False) as clock:
        change(policyholder, life)
        for _ in range(jobs.MAX_ATTEMPTS):
            run_due_jobs()
            clock.shift(3600)
        email = OutgoingEmail.objects.get()
        assert (email.status, email.attempts) == ("failed", jobs.MAX_ATTEMPTS)
        assert run_due_jobs() == 0  # no further attempt on its own
        assert OutgoingEmail.objects.get().attempts == jobs.MAX_ATTEMPTS

        client.force_login(support_staff)
        page = client.get("/admin/outbox/outgoingemail/", {"status__exact": "failed"}).content.decode()
        assert "送信できず（中止）" in page
        assert policyholder.customer_number in page and "SMTPRecipientsRefused" in page
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        response = client.post(
            "/admin/outbox/outgoingemail/", {"action": "retry_given_up", "_selected_action": [email.pk]}, follow=True
        )
        assert "1件を再試行します" in response.content.decode()
        run_due_jobs()
    assert [m.to for m in sent()] == [[policyholder.email]]
    assert OutgoingEmail.objects.get().status == "sent"


def test_staff_without_the_permission_cannot_retry(policyholder, life, smtp_down, client, plain_staff):
    from django.contrib.auth.models import Permission

    plain_staff.user_permissions.add(Permission.objects.get(codename="view_outgoingemail"))
    change(policyholder, life)
    OutgoingEmail.objects.update(status="failed")
    client.force_login(plain_staff)
    client.post("/admin/outbox/outgoingemail/", {"action": "retry_given_up", "_selected_action": [1]})
    assert OutgoingEmail.objects.get().status == "failed"


def test_an_email_whose_worker_died_mid_send_is_sent_by_the_next_pass(policyholder, life, smtp_down, settings):
    change(policyholder, life)

    def dies_mid_send(self, messages):
        raise SystemExit("the worker's process ends while the mail server has the message")

    settings.EMAIL_BACKEND = "tests.outbox.test_sending.RefusingEmailBackend"
    with pytest.raises(SystemExit), pytest.MonkeyPatch.context() as patch:
        patch.setattr(RefusingEmailBackend, "send_messages", dies_mid_send)
        with transaction.atomic():
            jobs.job_run_one(OUTBOX)
    # Its transaction went with it: the email is still waiting and due, nothing to recover by hand.
    assert OutgoingEmail.objects.get().status == "queued"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert run_due_jobs() == 1 and len(sent()) == 1


def test_an_email_already_sent_is_not_sent_again(policyholder, life):
    change(policyholder, life)
    email = OutgoingEmail.objects.get()
    assert run_due_jobs() == 1
    assert not outgoing_email_send_now(email)
    assert len(sent()) == 1


def test_an_email_without_an_address_is_given_up_at_once(policyholder, life):
    change(policyholder, life)
    policyholder.email = ""
    policyholder.save()
    run_due_jobs()
    email = OutgoingEmail.objects.get()
    assert (email.status, email.last_error, email.attempts) == ("failed", "no address", 1)
    assert not sent()


def test_queue_status_counts_due_and_given_up_emails_and_fails_when_they_wait_too_long(policyholder, life, capsys):
    import json

    from django.core.management import call_command
    from django.core.management.base import CommandError

    with time_machine.travel("2026-04-01 10:00 +0900", tick=False) as clock:
        change(policyholder, life)
        OutgoingEmail.objects.create(
            kind="receipt", policyholder=policyholder, status="failed", queued_at=timezone.now(), attempts=10
        )
        call_command("queue_status", "--json")
        rows = json.loads(capsys.readouterr().out)["rows"]["outgoing email"]
        assert rows == {"due": 1, "oldest_due_waiting_s": 0.0, "given_up": 1}
        clock.shift(600)  # no worker for ten minutes
        with pytest.raises(CommandError, match="600 s"):
            call_command("queue_status", "--stuck-after", "300")
        assert "outgoing email: due 1, oldest_due_waiting_s 600.0, given_up 1" in capsys.readouterr().out
