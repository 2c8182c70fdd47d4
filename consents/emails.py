"""The preference center's customer emails, in Japanese: the receipt of a change and the confirmation of an
answer to a consent question (registered as email kinds in apps.py), and the notice of a change that campaigns
send. Built here, sent by the outbox's workers."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customers.models import Policyholder
from notices.models import NoticeVersion
from notices.rules import changes_between
from notices.selectors import consent_change_of
from outbox.messages import email_message
from outbox.models import OutgoingEmail

from .models import NoticeRecord
from .reconsent import Question

RECEIPT = "receipt"
CONSENT_ANSWER = "consent_answer"


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


def previous_answer(record: NoticeRecord) -> NoticeRecord | None:
    """The answer `record` replaced, if the customer had answered the same question before."""
    return (
        NoticeRecord.objects.filter(
            policyholder_id=record.policyholder_id, notice_version_id=record.notice_version_id,
            kind__in=NoticeRecord.ANSWERS, id__lt=record.pk,
        ).order_by("-id").first()
    )


def consent_answer_email(email: OutgoingEmail) -> EmailMessage | None:
    """The confirmation of an answer to a consent question: the answer, its record number and time, what it
    means, and where to change it; for a changed answer, the answer before too."""
    record = email.notice_record
    version = record.notice_version
    question = Question(consent_change_of(version), record)
    context = {
        "record": record,
        "policyholder": record.policyholder,
        "question": question,
        "previous": previous_answer(record),
        # Consent given before the effective date applies from that day; given after it, from the answer on.
        "applies_later": timezone.localdate(record.created_at) < version.effective_date,
        "answer_url": settings.SITE_URL + reverse("consents:joint_use_consent", args=[version.pk]),
        "compare_url": settings.SITE_URL + question.compare_url,
    }
    return email_message("consents/email/consent_answer", context, record.policyholder.email)


EMAIL_KINDS = [
    {"code": RECEIPT, "label": _("Receipt"), "build": receipt_email},
    # As urgent as a receipt: the customer has just answered and waits for it.
    {"code": CONSENT_ANSWER, "label": _("Confirmation of an answer to a request for consent"),
     "build": consent_answer_email},
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
    """The notice of a change to the joint use, before it takes effect (APPI Art. 27(6)). Where consent is the
    ground, a customer who has answered already is told their answer (and where to change it) rather than asked."""
    summary = notice_change_summary(version)
    answer = None
    if summary["needs_consent"] and policyholder.pk is not None:  # none for the admin's sample before a start
        answers = NoticeRecord.objects.filter(
            policyholder=policyholder, notice_version=version, kind__in=NoticeRecord.ANSWERS
        )
        answer = answers.order_by("-id").first()
    context = {
        **summary,
        "policyholder": policyholder,
        "answer": answer,
        "my_url": settings.SITE_URL + reverse("consents:my"),
        "answer_url": settings.SITE_URL + reverse("consents:joint_use_consent", args=[version.pk]),
    }
    return email_message("consents/email/notice_change", context, policyholder.email)
