"""Every customer email goes through here: queued with the change that causes it, sent by a worker.

`outgoing_email_queue` writes the OutgoingEmail in the caller's transaction: it exists exactly when the
change does. The workers send due emails as rows of a job (core/jobs.py): the row is locked while it is
sent and marked sent in the same transaction; a failed attempt is retried by the jobs' one policy, and
one given up waits in the admin.

Log lines name the email's id, kind and the error's class: never an address (an SMTP error's text can
carry one).
"""

from django.conf import settings
from django.utils import timezone, translation

from core.jobs import GiveUp, job_register, job_run_one

from .kinds import email_kind
from .models import OutgoingEmail


def outgoing_email_queue(*, kind: str, policyholder) -> OutgoingEmail:
    """Record an email of a registered `kind` to `policyholder` (None for someone who is not one) to send as
    soon as a worker can, inside the caller's transaction. The row that causes it links to it (`email=`) in
    the same transaction; the message is built from that row when the email is sent."""
    registered = email_kind(kind)
    now = timezone.now()
    return OutgoingEmail.objects.create(
        kind=kind, policyholder=policyholder, priority=registered.priority, queued_at=now, next_attempt_at=now
    )


def outgoing_email_send_now(email: OutgoingEmail) -> bool:
    """Send this email in this process rather than wait for a worker's pass (a customer is waiting for it).
    False if it was not waiting, or another worker is sending it."""
    return job_run_one(OUTBOX, pk=email.pk)


def _send(email: OutgoingEmail) -> None:
    kind = email_kind(email.kind)
    if kind.check is not None:
        kind.check(email)
    with translation.override(settings.LANGUAGE_CODE):
        message = kind.build(email)
    if message is None:
        raise GiveUp("no address")
    message.send()
    email.status, email.sent_at, email.next_attempt_at = OutgoingEmail.Status.SENT, timezone.now(), None
    email.save(update_fields=["attempts", "status", "sent_at", "next_attempt_at"])
    if kind.sent is not None:
        kind.sent(email)


OUTBOX = job_register(
    "outgoing email", OutgoingEmail, _send, waiting=OutgoingEmail.Status.QUEUED, given_up=OutgoingEmail.Status.FAILED,
    order=("-priority", "next_attempt_at"), select_related=("policyholder",),
)
