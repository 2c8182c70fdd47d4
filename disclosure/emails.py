"""The email that tells a customer their disclosure package is ready, sent by consents.outbox."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse

from consents.models import OutgoingEmail


def ready_email(email: OutgoingEmail) -> EmailMessage:
    package = email.disclosure_package
    context = {
        "package": package,
        "policyholder": email.policyholder,
        "url": settings.SITE_URL + reverse("disclosure:list"),
        "days": settings.DISCLOSURE_DOWNLOAD_DAYS,
        "contact_url": settings.SITE_URL + reverse("contact:windows"),
    }
    return EmailMessage(
        subject=render_to_string("disclosure/email/ready_subject.txt", context).strip(),
        body=render_to_string("disclosure/email/ready.txt", context),
        to=[email.policyholder.email],
    )
