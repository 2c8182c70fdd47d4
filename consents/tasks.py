"""Work the login page leaves to the workers: the address lookup and its email."""

from django_tasks import task

from customers.login import login_policyholder
from outbox.kinds import email_kind
from outbox.sending import outgoing_email_queue, outgoing_email_send_now

from .emails import LOGIN_LINK


@task(priority=10)
def login_link_send(address: str) -> None:
    """Email a login link if the address is registered; do nothing otherwise.

    The login page enqueues this for every address it accepts and answers at once, so that its answer
    takes as long whether or not the address is known: the lookup happens here, in a worker.
    """
    policyholder = login_policyholder(address)
    if policyholder is None:
        return
    # Sent now by this worker rather than at the next pass over the outbox: the customer waits for it.
    email = outgoing_email_queue(kind=email_kind(LOGIN_LINK).code, policyholder=policyholder)
    outgoing_email_send_now(email)
