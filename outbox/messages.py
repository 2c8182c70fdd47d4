"""The one way a customer email's message is made from its templates: every email ends with the link to the
inquiry windows (their signature template includes it)."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse


def email_message(template: str, context: dict, to: str) -> EmailMessage | None:
    """The message of `template` ("<app>/email/<name>", with "_subject.txt" and ".txt"), or None when there is
    no address to send it to."""
    if not to:
        return None
    context = {**context, "contact_url": settings.SITE_URL + reverse("contact:windows")}
    return EmailMessage(
        subject=render_to_string(f"{template}_subject.txt", context).strip(),
        body=render_to_string(f"{template}.txt", context),
        to=[to],
    )
