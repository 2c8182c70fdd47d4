"""The notice records: who was told of a notice version, and how they answered (consents.NoticeRecord).

Written only here, and re-exported by consents.services; campaigns record a notice-of-change email as sent
through this too."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import Policyholder
from notices.models import NoticeVersion

from .chain import chain_append, chain_ip, notice_record_hash, policyholder_lock
from .changes import ANSWER, changes_notify
from .models import NoticeRecord


@dataclass
class NoticeRecordResult:
    record: NoticeRecord
    repeated: bool = False  # recorded before (same idempotency key, or already told that way); nothing new


@transaction.atomic
def notice_record_append(
    *,
    policyholder: Policyholder,
    notice_version: NoticeVersion,
    kind: str,
    source: str,
    campaign_id: int | None = None,
    actor=None,
    ip_address: str | None = None,
    user_agent: str = "",
    idempotency_key: str = "",
    at=None,
    number: str = "",
    email=None,
) -> NoticeRecordResult:
    """Record that `policyholder` was told of `notice_version` (kind informed_email / informed_post) or
    answered it (consented / declined), at the end of their chain of notice records.

    Being told is recorded once per version and channel: a second call returns the first record. An answer
    with an idempotency key seen before returns the first answer. `number` and `email` are an answer's record
    number and the email that confirms it (consents.services.consent_answer_record).
    """
    if kind not in NoticeRecord.Kind.values:
        raise ValueError(kind)
    if source not in NoticeRecord.Source.values:
        raise ValueError(source)
    if len(idempotency_key) > 64:
        raise ValidationError(_("The request has no valid idempotency key."), code="idempotency_key")
    if source == NoticeRecord.Source.STAFF and actor is None:
        raise ValidationError(_("A record made by staff needs the staff member."), code="actor")
    if not notice_version.is_published:
        raise ValidationError(
            _("Only a published notice version can be announced or answered."), code="notice_version"
        )
    ip_address = chain_ip(NoticeRecord, ip_address)

    policyholder_lock(policyholder)
    records = NoticeRecord.objects.filter(policyholder=policyholder)
    existing = None
    if idempotency_key:
        existing = records.filter(idempotency_key=idempotency_key).first()
    if existing is None and kind in NoticeRecord.INFORMED:
        existing = records.filter(notice_version=notice_version, kind=kind).first()
    if existing is not None:
        return NoticeRecordResult(record=existing, repeated=True)

    record = NoticeRecord(
        policyholder=policyholder,
        notice_version=notice_version,
        kind=kind,
        campaign_id=campaign_id,
        created_at=at or timezone.now(),
        source=source,
        actor=actor,
        ip_address=ip_address,
        user_agent=user_agent,
        idempotency_key=idempotency_key,
        number=number,
        email=email,
    )
    chain_append([record], digest=notice_record_hash)
    if kind in NoticeRecord.ANSWERS:
        changes_notify(ANSWER, [record])
    return NoticeRecordResult(record=record)
