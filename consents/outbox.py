"""Every customer email goes through here: queued with the change that causes it, sent by a worker.

`outgoing_email_queue` writes an OutgoingEmail and enqueues the task that sends it, in the caller's
transaction: both commit with the change or neither does. The worker locks the row while it sends
(so two workers never send one email) and marks it sent in the same transaction; a worker that dies
mid-send leaves the row unlocked and still waiting, and `outgoing_emails_recover` enqueues it again.
A failed attempt is retried later, each wait twice the last (EMAIL_RETRY_SECONDS, then 2×, 4×, … up to
an hour); after MAX_ATTEMPTS the email waits in the admin, where staff can send it again.

Log lines name the email's id, kind and the error's class: never an address (an SMTP error's text
can carry one).
"""

import datetime
import logging
from collections.abc import Callable

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone, translation
from django_tasks import TaskResultStatus, task
from django_tasks_db.models import DBTaskResult

from core.rows import insert
from notices.models import NoticeVersion

from .emails import login_email, notice_change_email, receipt_email
from .login import login_link_issue
from .models import NoticeRecord, OutgoingEmail, Policyholder, Receipt
from .records import notice_record_append

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 10
LONGEST_WAIT = datetime.timedelta(hours=1)
# Login links jump the queue: the customer is waiting for them. A campaign's notices of a change wait
# behind the receipts: they are many, and due in days, not seconds.
PRIORITY = {OutgoingEmail.Kind.LOGIN_LINK: 10, OutgoingEmail.Kind.RECEIPT: 0, OutgoingEmail.Kind.NOTICE_CHANGE: -5}

# The emails of apps above this one (the request desk): kind -> a function that builds the EmailMessage
# from the OutgoingEmail, or returns None when there is no address to send it to. Registered from the
# app's AppConfig.ready with register_message: this app cannot import theirs; they know their own rows
# from the email (a one-to-one to OutgoingEmail). This module knows how to queue, send, retry and recover.
MESSAGE_BUILDERS: dict[str, Callable[[OutgoingEmail], EmailMessage | None]] = {}


def register_message(
    kind: str, builder: Callable[[OutgoingEmail], EmailMessage | None], *, priority: int = 0
) -> None:
    """Let `kind` (one of OutgoingEmail.Kind) be queued and sent: `builder(email)` makes its message."""
    if kind not in OutgoingEmail.Kind.values or kind in (OutgoingEmail.Kind.LOGIN_LINK, OutgoingEmail.Kind.RECEIPT):
        raise ValueError(f"{kind!r} is not an OutgoingEmail.Kind an app may register")
    MESSAGE_BUILDERS[kind] = builder
    PRIORITY[kind] = priority


def retry_delay(attempts: int) -> datetime.timedelta:
    """How long to wait after the `attempts`-th failed attempt."""
    seconds = settings.EMAIL_RETRY_SECONDS * 2 ** min(attempts - 1, 20)
    return min(datetime.timedelta(seconds=seconds), LONGEST_WAIT)


def _enqueue(email: OutgoingEmail, *, run_after: datetime.datetime | None = None) -> None:
    # The task's one argument is the email's id; that is how recovery finds the task (no id is written back).
    outgoing_email_send.using(priority=PRIORITY.get(email.kind, 0), run_after=run_after).enqueue(email.pk)


def outgoing_email_enqueue(email: OutgoingEmail) -> None:
    """Enqueue the sending of an email recorded with enqueue=False, in the caller's transaction: for a
    caller that must link its own rows to the email before a worker can build the message."""
    _enqueue(email)


def outgoing_email_queue(
    *,
    kind: str,
    policyholder: Policyholder | None,
    receipt: Receipt | None = None,
    notice_version: NoticeVersion | None = None,
    campaign_id: int | None = None,
    enqueue: bool = True,
) -> OutgoingEmail:
    """Record the email and enqueue its sending, inside the caller's transaction. A worker that sends it
    at once itself passes enqueue=False (if it dies first, outgoing_emails_recover enqueues it)."""
    now = timezone.now()
    # No savepoint of its own: inside the caller's transaction both rows commit or roll back with it.
    with transaction.atomic(savepoint=False):
        email = insert(OutgoingEmail(
            kind=kind, policyholder=policyholder, receipt=receipt, notice_version=notice_version,
            campaign_id=campaign_id, queued_at=now, next_attempt_at=now,
        ))
        if enqueue:
            _enqueue(email)
    return email


def _message(email: OutgoingEmail) -> EmailMessage | None:
    """The message to send, or None when there is no address to send it to."""
    with translation.override(settings.LANGUAGE_CODE):
        if email.kind in MESSAGE_BUILDERS:
            return MESSAGE_BUILDERS[email.kind](email)
        if not email.policyholder.email:
            return None
        if email.kind == OutgoingEmail.Kind.NOTICE_CHANGE:
            return notice_change_email(policyholder=email.policyholder, version=email.notice_version)
        if email.kind == OutgoingEmail.Kind.RECEIPT:
            return receipt_email(receipt=email.receipt)
        # A new link for each attempt: only its hash is stored, so a failed attempt's link is lost.
        url, expires_at = login_link_issue(policyholder=email.policyholder)
        return login_email(policyholder=email.policyholder, url=url, expires_at=expires_at)


@task()
def outgoing_email_send(email_id: int) -> str:
    """Send one queued email, once. Returns what became of it (for the task's record).

    A notice of a change is recorded in the customer's notice records (informed by email) in the
    transaction that marks it sent: the record exists exactly when the email went to the mail server.
    """
    with transaction.atomic():
        email = (
            OutgoingEmail.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("policyholder", "receipt", "notice_version__notice")
            .filter(pk=email_id, status=OutgoingEmail.Status.QUEUED)
            .first()
        )
        if email is None:
            return "not waiting"  # sent, given up, or being sent by another worker right now
        now = timezone.now()
        email.attempts += 1
        if email.kind == OutgoingEmail.Kind.NOTICE_CHANGE and not email.notice_version.is_published:
            # Withdrawn after the campaign began: telling of it now would mislead.
            email.status, email.last_error = OutgoingEmail.Status.FAILED, "notice withdrawn"
            email.save(update_fields=["attempts", "status", "last_error"])
            return email.status
        try:
            # A savepoint: a failed attempt leaves no login link behind.
            with transaction.atomic():
                message = _message(email)
                if message is not None:
                    message.send()
        except Exception as error:
            _failed(email, error, now)
            return email.status
        if message is None:
            email.status, email.last_error = OutgoingEmail.Status.FAILED, "no address"
            email.save(update_fields=["attempts", "status", "last_error"])
            return email.status
        email.status, email.sent_at = OutgoingEmail.Status.SENT, timezone.now()
        email.save(update_fields=["attempts", "status", "sent_at"])
        if email.kind == OutgoingEmail.Kind.NOTICE_CHANGE:
            notice_record_append(
                policyholder=email.policyholder, notice_version=email.notice_version,
                kind=NoticeRecord.Kind.INFORMED_EMAIL, source=NoticeRecord.Source.CAMPAIGN,
                campaign_id=email.campaign_id, at=email.sent_at,
            )
        return email.status


def _failed(email: OutgoingEmail, error: Exception, now: datetime.datetime) -> None:
    email.last_error = type(error).__name__[:200]
    if email.attempts >= MAX_ATTEMPTS:
        email.status = OutgoingEmail.Status.FAILED
        logger.error("Gave up email %s (%s) after %s attempts: %s",
                     email.pk, email.kind, email.attempts, email.last_error)
    else:
        email.next_attempt_at = now + retry_delay(email.attempts)
        _enqueue(email, run_after=email.next_attempt_at)
        logger.warning("Could not send email %s (%s), attempt %s: %s; next attempt at %s",
                       email.pk, email.kind, email.attempts, email.last_error, email.next_attempt_at.isoformat())
    email.save(update_fields=["attempts", "status", "last_error", "next_attempt_at"])


@transaction.atomic
def outgoing_email_retry(*, email: OutgoingEmail) -> bool:
    """Staff send a given-up email again (with a fresh set of attempts); False if it was not given up."""
    email = OutgoingEmail.objects.select_for_update().filter(pk=email.pk, status=OutgoingEmail.Status.FAILED).first()
    if email is None:
        return False
    email.status, email.attempts, email.next_attempt_at = OutgoingEmail.Status.QUEUED, 0, timezone.now()
    email.save(update_fields=["status", "attempts", "next_attempt_at"])
    _enqueue(email)
    return True


def _emails_with_task_waiting(email_ids: list[int]) -> set[int]:
    """Of these emails, those that have a sending task waiting to run (the task's argument is the email id)."""
    waiting = DBTaskResult.objects.filter(
        task_path=outgoing_email_send.module_path,
        status=TaskResultStatus.READY,
        args_kwargs__args__0__in=email_ids,
    ).values_list("args_kwargs__args__0", flat=True)
    return set(waiting)


def outgoing_emails_recover(*, limit: int = 1000) -> int:
    """Enqueue again every email that is due, not being sent, and has no task waiting to send it:
    its worker died mid-send (its row lock went with its connection). Returns how many."""
    recovered = 0
    with transaction.atomic():
        due = (
            OutgoingEmail.objects.select_for_update(skip_locked=True)
            .filter(status=OutgoingEmail.Status.QUEUED, next_attempt_at__lte=timezone.now())
            .order_by("next_attempt_at")[:limit]
        )
        due = list(due)
        waiting = _emails_with_task_waiting([email.pk for email in due])
        for email in due:
            if email.pk not in waiting:
                _enqueue(email)
                recovered += 1
    if recovered:
        logger.warning("Enqueued %s emails again whose worker stopped before sending them", recovered)
    return recovered
