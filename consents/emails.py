"""The customer emails, in Japanese. They are built here and sent by consents.outbox, in a worker."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse

from .models import Policyholder, Receipt


def _message(template: str, context: dict, to: str) -> EmailMessage:
    # Every email closes with the inquiry windows' page (consents/email/signature.txt).
    context = {**context, "contact_url": settings.SITE_URL + reverse("contact:windows")}
    return EmailMessage(
        subject=render_to_string(f"consents/email/{template}_subject.txt", context).strip(),
        body=render_to_string(f"consents/email/{template}.txt", context),
        to=[to],
    )


def receipt_email(*, receipt: Receipt) -> EmailMessage:
    """What changed under this receipt number, whoever made the change."""
    context = {
        "receipt": receipt,
        "policyholder": receipt.policyholder,
        "events": receipt.events.select_related("company", "channel").order_by("id"),
        "preferences_url": settings.SITE_URL + "/my/preferences/",
    }
    return _message("receipt", context, receipt.policyholder.email)


def login_email(*, policyholder: Policyholder, url: str, expires_at) -> EmailMessage:
    """The single-use login link."""
    context = {"policyholder": policyholder, "url": url, "expires_at": expires_at}
    return _message("login", context, policyholder.email)
