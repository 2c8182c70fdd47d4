"""The preference center's customer emails, in Japanese: the receipt of a change
(registered as email kinds in apps.py), and the notice of a change that campaigns send. Built here, sent by
the outbox's workers."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from customers.models import Policyholder
from notices.models import NoticeVersion
from notices.rules import changes_between
from outbox.messages import email_message
from outbox.models import OutgoingEmail

RECEIPT = "receipt"


def receipt_email(email: OutgoingEmail) -> EmailMessage | None:
    """What changed under this receipt number, whoever made the change."""
    receipt = email.receipt
    context = {
        "receipt": receipt,
        "policyholder": receipt.policyholder,
        "events": receipt.events.select_related("company", "channel").order_by("id"),
        "preferences_url": settings.SITE_URL + reverse("consents:preferences"),
    }
    return email_message("consents/email/receipt", context, receipt.policyholder.email)


EMAIL_KINDS = [
    {"code": RECEIPT, "label": _("Receipt"), "build": receipt_email},
]


def notice_change_summary(version: NoticeVersion) -> dict:
    """What an announced version changes against the version it revises, for the email and the admin:
    the changes (notices.rules), the joint users it adds and removes, the responsible party before and
    after, and the addresses of the 新旧対照表 and of the new version."""
    previous = NoticeVersion.objects.preceding(version).first()
    new = version.content
    old = previous.content if previous else None
    changes = changes_between(new, old)
    summary = {
        "version": version,
        "previous": previous,
        "changes": changes,
        "added_joint_users": [],
        "removed_joint_users": [],
        "responsible_party": (old["responsible_party"]["name"] if old else "", new["responsible_party"]["name"]),
        "needs_consent": changes.need_ground and version.publication_ground == NoticeVersion.Ground.CONSENT,
        "version_url": settings.SITE_URL + version.get_absolute_url(),
        "compare_url": "",
    }
    if old is not None:
        old_names = [user["legal_name"] for user in old["joint_users"]]
        new_names = [user["legal_name"] for user in new["joint_users"]]
        summary["added_joint_users"] = [name for name in new_names if name not in old_names]
        summary["removed_joint_users"] = [name for name in old_names if name not in new_names]
        summary["compare_url"] = settings.SITE_URL + reverse(
            "notices:compare",
            args=[version.notice.slug, previous.effective_date.isoformat(), version.effective_date.isoformat()],
        )
    return summary


def notice_change_email(*, policyholder: Policyholder, version: NoticeVersion) -> EmailMessage:
    """The notice of a change to the joint use, before it takes effect (APPI Art. 27(6))."""
    context = {**notice_change_summary(version), "policyholder": policyholder, "my_url": settings.SITE_URL + "/my/"}
    return email_message("consents/email/notice_change", context, policyholder.email)
