"""The email that tells a customer their disclosure package is ready, registered as an email kind in apps.py."""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from outbox.messages import email_message
from outbox.models import OutgoingEmail

DISCLOSURE_READY = "disclosure_ready"


def ready_email(email: OutgoingEmail):
    context = {
        "package": email.disclosure_package,
        "policyholder": email.policyholder,
        "url": settings.SITE_URL + reverse("disclosure:list"),
        "days": settings.DISCLOSURE_DOWNLOAD_DAYS,
    }
    return email_message("disclosure/email/ready", context, email.policyholder.email)


EMAIL_KIND = {"code": DISCLOSURE_READY, "label": _("Disclosure package ready"), "build": ready_email}
