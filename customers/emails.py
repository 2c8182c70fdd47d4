"""The login link email, registered as an email kind in apps.py and sent by the outbox's workers."""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.jobs import GiveUp
from outbox.messages import email_message
from outbox.models import OutgoingEmail

from .login import LoginLinkError, login_link_of_email

LOGIN_LINK = "login_link"


def login_email(email: OutgoingEmail):
    """The single-use login link issued with this email: every attempt, a repeated one too, carries the same
    link. One used or expired meanwhile is not sent (the customer asks for a new one)."""
    policyholder = email.policyholder
    if not policyholder.email:
        return None
    try:
        token, expires_at = login_link_of_email(policyholder=policyholder, email_id=email.pk)
    except LoginLinkError as error:
        raise GiveUp(f"login link {error.code}") from error
    url = settings.SITE_URL + reverse("customers:login_link", kwargs={"token": token})
    context = {"policyholder": policyholder, "url": url, "expires_at": expires_at}
    return email_message("customers/email/login", context, policyholder.email)


# A login link jumps the queue: the customer is waiting for it.
EMAIL_KIND = {"code": LOGIN_LINK, "label": _("Login link"), "build": login_email, "priority": 10}
