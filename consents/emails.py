import logging

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string

from .models import Receipt

logger = logging.getLogger(__name__)


def receipt_email_send(*, receipt: Receipt) -> None:
    """Tell the customer, in Japanese, what changed under this receipt number, whoever made the change."""
    policyholder = receipt.policyholder
    if not policyholder.email:
        return
    context = {
        "receipt": receipt,
        "policyholder": policyholder,
        "events": receipt.events.select_related("company", "channel").order_by("id"),
        "preferences_url": settings.SITE_URL + "/my/preferences/",
    }
    send_mail(
        subject=render_to_string("consents/email/receipt_subject.txt", context).strip(),
        message=render_to_string("consents/email/receipt.txt", context),
        from_email=None,
        recipient_list=[policyholder.email],
    )


def receipt_email_send_safely(*, receipt: Receipt) -> bool:
    """Send the receipt email; on failure log it and return False, never raise.

    Call it after the change has committed (preferences_update commits before it returns): the change
    stands and its page shows the receipt number, so a mail outage must not turn it into a 500. The log
    line names the receipt and the exception's class only: the SMTP error text can carry the address.
    """
    try:
        receipt_email_send(receipt=receipt)
    except Exception as error:
        logger.error("Could not send the receipt email for receipt %s: %s", receipt.number, type(error).__name__)
        return False
    return True


def login_email_send(*, policyholder, url: str, expires_at) -> None:
    """The single-use login link, in Japanese."""
    context = {"policyholder": policyholder, "url": url, "expires_at": expires_at}
    send_mail(
        subject=render_to_string("consents/email/login_subject.txt", context).strip(),
        message=render_to_string("consents/email/login.txt", context),
        from_email=None,
        recipient_list=[policyholder.email],
    )
