"""Work the login page leaves to the workers (the address lookup and its email), and the clean-up of login
links, listed in settings.PERIODIC_TASKS."""

import datetime

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from core.tasks import task_arguments_forget
from outbox.sending import outgoing_email_queue, outgoing_email_send_now

from .emails import LOGIN_LINK
from .login import login_link_issue, login_policyholder
from .models import LoginToken

# Used and expired login links are kept this long (for a customer who asks why a link failed).
LOGIN_TOKENS_KEPT = datetime.timedelta(days=1)


@task(priority=-10)
def login_tokens_delete() -> int:
    """Delete login links that expired more than a day ago (a used link expired 15 minutes after it
    was issued, so used ones go too)."""
    deleted, _ = LoginToken.objects.filter(expires_at__lt=timezone.now() - LOGIN_TOKENS_KEPT).delete()
    return deleted


@task(priority=10, takes_context=True)
def login_link_send(context, address: str) -> None:
    """Email a login link if the address is registered; do nothing otherwise.

    The login page enqueues this for every address it accepts and answers at once, so that its answer
    takes as long whether or not the address is known: the lookup happens here, in a worker. The task's
    record forgets the address first (it is kept a day, a failed one two weeks, and may name no customer).
    The link commits with its email before the email is sent, so it works from the moment it arrives.
    """
    task_arguments_forget(context)
    policyholder = login_policyholder(address)
    if policyholder is None:
        return
    with transaction.atomic():
        email = outgoing_email_queue(kind=LOGIN_LINK, policyholder=policyholder)
        login_link_issue(policyholder=policyholder, email_id=email.pk)
    # Sent now by this worker rather than at the next pass over the outbox: the customer waits for it.
    outgoing_email_send_now(email)
