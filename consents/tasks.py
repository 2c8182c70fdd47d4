"""Work the preference center leaves to the workers: the login lookup and its email, and clean-ups.

The sending of every email is consents.outbox.outgoing_email_send; the periodic ones here are listed
in settings.PERIODIC_TASKS.
"""

import datetime
import logging

from django.utils import timezone
from django_tasks import task

from . import outbox
from .login import login_policyholder
from .models import LoginToken, OutgoingEmail

logger = logging.getLogger(__name__)

# Used and expired login links are kept this long (for a customer who asks why a link failed).
LOGIN_TOKENS_KEPT = datetime.timedelta(days=1)


@task(priority=outbox.PRIORITY[OutgoingEmail.Kind.LOGIN_LINK])
def login_link_send(address: str) -> None:
    """Email a login link if the address is registered; do nothing otherwise.

    The login page enqueues this for every address it accepts and answers at once, so that its answer
    takes as long whether or not the address is known: the lookup happens here, in a worker.
    """
    policyholder = login_policyholder(address)
    if policyholder is None:
        return
    # Sent now by this worker rather than after another trip through the queue: the customer waits.
    email = outbox.outgoing_email_queue(kind=OutgoingEmail.Kind.LOGIN_LINK, policyholder=policyholder, enqueue=False)
    outbox.outgoing_email_send.call(email.pk)


@task(priority=-10)
def login_tokens_delete() -> int:
    """Delete login links that expired more than a day ago (a used link expired 15 minutes after it
    was issued, so used ones go too)."""
    deleted, _ = LoginToken.objects.filter(expires_at__lt=timezone.now() - LOGIN_TOKENS_KEPT).delete()
    return deleted


@task(priority=-10)
def outgoing_emails_recover() -> int:
    return outbox.outgoing_emails_recover()
