"""Customer emails through the task queue (consents/outbox.py): queued with the change, sent once by
a worker, retried after a mail outage, given up visibly, recovered after a worker dies. These use the
database backend and run the queue by hand, as a worker would."""

import datetime
import smtplib
import uuid

import pytest
import time_machine
from django.core import mail
from django.db import transaction
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from consents import outbox
from consents.models import ConsentEvent, OutgoingEmail, Receipt, Source
from consents.services import preferences_update
from consents.unsubscribe import unsubscribe_url
from tests.conftest import run_queued_tasks

from .test_preferences import matrix_post


class RefusingEmailBackend:
    """An SMTP server that refuses the recipients, with their addresses in the error, as smtplib does."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise smtplib.SMTPRecipientsRefused({to: (550, b"mailbox unavailable") for m in messages for to in m.to})


@pytest.fixture
def smtp_down(settings):
    settings.EMAIL_BACKEND = "tests.consents.test_outbox.RefusingEmailBackend"


def change(policyholder, company, *, channel="direct_mail", allowed=False, source=Source.PORTAL, **extra):
    return preferences_update(
        policyholder=policyholder, changes={(company.pk, channel): allowed}, source=source,
        idempotency_key=uuid.uuid4().hex, **extra,
    )


def assert_logged_without_the_address(caplog, policyholder):
    assert "SMTPRecipientsRefused" in caplog.text
    assert policyholder.email not in caplog.text
    assert "Traceback" not in caplog.text and not any(record.exc_info for record in caplog.records)


def test_a_save_queues_its_receipt_email_and_a_worker_sends_it_once(database_tasks, customer, policyholder, life):
    response = customer.post("/my/preferences/", matrix_post(life, direct_mail="off"))
    receipt = Receipt.objects.get()
    assert response["Location"] == f"/my/receipts/{receipt.number}/"
    email = OutgoingEmail.objects.get()
    assert (email.kind, email.receipt, email.status) == (OutgoingEmail.Kind.RECEIPT, receipt, "queued")
    assert not mail.outbox  # the request did not send it
    run_queued_tasks()
    run_queued_tasks()
    assert [m.to for m in mail.outbox] == [[policyholder.email]]
    assert receipt.number in mail.outbox[0].subject
    assert "受付経路：配信設定ページ" in mail.outbox[0].body
    email.refresh_from_db()
    assert (email.status, email.attempts) == ("sent", 1) and email.sent_at is not None


def test_a_change_rolled_back_leaves_no_email_and_no_task(database_tasks, policyholder, life):
    with pytest.raises(RuntimeError), transaction.atomic():
        change(policyholder, life)
        assert OutgoingEmail.objects.exists() and DBTaskResult.objects.exists()
        raise RuntimeError("the caller's transaction fails after the change")
    assert not Receipt.objects.exists() and not OutgoingEmail.objects.exists() and not DBTaskResult.objects.exists()
    run_queued_tasks()
    assert not mail.outbox


def test_a_repeated_submission_queues_no_second_email(database_tasks, customer, life):
    customer.post("/my/preferences/", matrix_post(life, direct_mail="off"))
    customer.post("/my/preferences/", matrix_post(life, direct_mail="off"))
    run_queued_tasks()
    assert OutgoingEmail.objects.count() == 1 and len(mail.outbox) == 1


def test_staff_and_unsubscribe_changes_queue_their_receipts_too(database_tasks, policyholder, life, support_staff):
    change(policyholder, life, channel="email", allowed=True)
    change(policyholder, life, channel="phone", source=Source.STAFF, actor=support_staff, reason="電話での申出")
    url = unsubscribe_url(policyholder=policyholder, company=life, campaign="c").split("://", 1)[1]
    Client().post(url[url.index("/"):], data={"List-Unsubscribe": "One-Click"})
    assert ConsentEvent.objects.count() == 3
    assert OutgoingEmail.objects.filter(status="queued").count() == 3
    run_queued_tasks()
    bodies = [m.body for m in mail.outbox]
    assert len(bodies) == 3
    assert any("担当者による代理登録" in body for body in bodies)
    assert any("ワンクリック配信停止" in body for body in bodies)


def test_smtp_down_keeps_the_save_and_retries_later(database_tasks, customer, policyholder, life, settings, caplog):
    settings.EMAIL_BACKEND = "tests.consents.test_outbox.RefusingEmailBackend"
    with time_machine.travel("2026-04-01 10:00 +0900", tick=False) as clock:
        response = customer.post("/my/preferences/", matrix_post(life, direct_mail="off"))
        assert response["Location"] == f"/my/receipts/{Receipt.objects.get().number}/"
        run_queued_tasks()
        email = OutgoingEmail.objects.get()
        assert (email.status, email.attempts, email.last_error) == ("queued", 1, "SMTPRecipientsRefused")
        assert email.next_attempt_at == timezone.now() + datetime.timedelta(seconds=30)
        assert_logged_without_the_address(caplog, policyholder)

        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        run_queued_tasks()
        assert not mail.outbox  # not before its time
        clock.shift(30)
        run_queued_tasks()
    assert [m.to for m in mail.outbox] == [[policyholder.email]]
    email.refresh_from_db()
    assert (email.status, email.attempts) == ("sent", 2)


def test_the_wait_doubles_up_to_an_hour(settings):
    settings.EMAIL_RETRY_SECONDS = 30
    waits = [outbox.retry_delay(n).total_seconds() for n in range(1, 10)]
    assert waits == [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]


def test_after_the_last_attempt_staff_see_it_and_send_it_again(
    database_tasks, policyholder, life, smtp_down, settings, client, support_staff
):
    with time_machine.travel("2026-04-01 10:00 +0900", tick=False) as clock:
        change(policyholder, life)
        for _ in range(outbox.MAX_ATTEMPTS):
            run_queued_tasks()
            clock.shift(3600)
    email = OutgoingEmail.objects.get()
    assert (email.status, email.attempts) == ("failed", outbox.MAX_ATTEMPTS)
    run_queued_tasks()
    assert OutgoingEmail.objects.get().attempts == outbox.MAX_ATTEMPTS  # no further attempt on its own

    client.force_login(support_staff)
    page = client.get("/admin/consents/outgoingemail/", {"status__exact": "failed"}).content.decode()
    assert "送信できず（中止）" in page
    assert policyholder.customer_number in page and "SMTPRecipientsRefused" in page
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    response = client.post(
        "/admin/consents/outgoingemail/", {"action": "retry", "_selected_action": [email.pk]}, follow=True
    )
    assert "1件のメールを再送します" in response.content.decode()
    run_queued_tasks()
    assert [m.to for m in mail.outbox] == [[policyholder.email]]
    assert OutgoingEmail.objects.get().status == "sent"


def test_staff_without_the_permission_cannot_retry(database_tasks, policyholder, life, smtp_down, client, plain_staff):
    from django.contrib.auth.models import Permission

    plain_staff.user_permissions.add(Permission.objects.get(codename="view_outgoingemail"))
    change(policyholder, life)
    OutgoingEmail.objects.update(status="failed")
    client.force_login(plain_staff)
    client.post("/admin/consents/outgoingemail/", {"action": "retry", "_selected_action": [1]})
    assert OutgoingEmail.objects.get().status == "failed"


def test_an_email_whose_worker_died_mid_send_is_sent_by_the_next(database_tasks, policyholder, life):
    change(policyholder, life)
    # A worker claimed the task, then died before it marked the email sent: its row lock went with
    # its connection, and the task stays "running" for ever.
    DBTaskResult.objects.update(status="RUNNING", started_at=timezone.now())
    run_queued_tasks()
    assert not mail.outbox
    assert outbox.outgoing_emails_recover() == 1
    run_queued_tasks()
    assert len(mail.outbox) == 1
    assert outbox.outgoing_emails_recover() == 0


def test_recovery_leaves_emails_whose_task_is_waiting(database_tasks, policyholder, life):
    change(policyholder, life)
    assert outbox.outgoing_emails_recover() == 0
    run_queued_tasks()
    assert len(mail.outbox) == 1


def test_an_email_already_sent_is_not_sent_again_by_a_second_task(database_tasks, policyholder, life):
    change(policyholder, life)
    email = OutgoingEmail.objects.get()
    outbox.outgoing_email_send.enqueue(email.pk)
    run_queued_tasks()
    assert len(mail.outbox) == 1
