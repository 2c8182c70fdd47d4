"""The notice of a change to the joint use that a campaign sends each recipient with an email address,
registered as an email kind in apps.py: built from the recipient's row, never sent once its version is
withdrawn, and recorded in the customer's notice records in the transaction that marks it sent."""

from django.utils.translation import gettext_lazy as _

from consents.emails import notice_change_email
from consents.models import NoticeRecord
from consents.services import notice_record_append
from core.jobs import GiveUp
from outbox.models import OutgoingEmail

from .models import Recipient

NOTICE_CHANGE = "notice_change"


def _recipient(email: OutgoingEmail) -> Recipient:
    return Recipient.objects.select_related("campaign__notice_version__notice").get(email=email)


def notice_withdrawn(email: OutgoingEmail) -> None:
    if not _recipient(email).campaign.notice_version.is_published:
        # Withdrawn after the campaign began: telling of it now would mislead.
        raise GiveUp("notice withdrawn")


def notice_email(email: OutgoingEmail):
    if not email.policyholder.email:
        return None
    return notice_change_email(policyholder=email.policyholder, version=_recipient(email).campaign.notice_version)


def notice_informed(email: OutgoingEmail) -> None:
    campaign = _recipient(email).campaign
    notice_record_append(
        policyholder=email.policyholder, notice_version=campaign.notice_version,
        kind=NoticeRecord.Kind.INFORMED_EMAIL, source=NoticeRecord.Source.CAMPAIGN,
        campaign_id=campaign.pk, at=email.sent_at,
    )


EMAIL_KIND = {
    "code": NOTICE_CHANGE, "label": _("Notice of a change to the joint use"), "build": notice_email,
    # Behind the receipts: they are many, and due in days, not seconds.
    "priority": -5, "check": notice_withdrawn, "sent": notice_informed,
}
