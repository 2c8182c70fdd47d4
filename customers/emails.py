"""The login link email, registered as an email kind in apps.py and sent by the outbox's workers."""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from outbox.messages import email_message
from outbox.models import OutgoingEmail

from .login import login_link_issue

LOGIN_LINK = "login_link"


def login_email(email: OutgoingEmail):
    """The single-use login link: a new one for each attempt (only its hash is stored, so a failed attempt's
    link is lost with it)."""
    policyholder = email.policyholder
    if not policyholder.email:
        return None
    token, expires_at = login_link_issue(policyholder=policyholder)
    url = settings.SITE_URL + reverse("customers:login_link", kwargs={"token": token})
    context = {"policyholder": policyholder, "url": url, "expires_at": expires_at}
    return email_message("customers/email/login", context, policyholder.email)


# A login link jumps the queue: the customer is waiting for it.
EMAIL_KIND = {"code": LOGIN_LINK, "label": _("Login link"), "build": login_email, "priority": 10}
