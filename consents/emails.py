from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string

from .models import Receipt


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


def login_email_send(*, policyholder, url: str, expires_at) -> None:
    """The single-use login link, in Japanese."""
    context = {"policyholder": policyholder, "url": url, "expires_at": expires_at}
    send_mail(
        subject=render_to_string("consents/email/login_subject.txt", context).strip(),
        message=render_to_string("consents/email/login.txt", context),
        from_email=None,
        recipient_list=[policyholder.email],
    )
