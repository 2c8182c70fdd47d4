"""The notice records: who was told of a notice version, and how they answered (consents.NoticeRecord).

Written only here, and re-exported by consents.services; the outbox records a notice-of-change email as
sent through this too, which is why it is a module of its own (the services queue emails through the
outbox)."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from notices.models import NoticeVersion

from .chain import GENESIS, current_key_id, notice_record_hash
from .models import NoticeRecord, Policyholder

USER_AGENT_LIMIT = 300


@dataclass
class NoticeRecordResult:
    record: NoticeRecord
    repeated: bool = False  # recorded before (same idempotency key, or already told that way); nothing new


def _valid_ip(ip_address: str | None) -> str | None:
    # Hash what the database will store (the canonical form of an IPv6 address).
    if not ip_address:
        return None
    ip_field = NoticeRecord._meta.get_field("ip_address")
    ip_address = ip_field.to_python(ip_address)
    ip_field.run_validators(ip_address)
    return ip_address


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
) -> NoticeRecordResult:
    """Record that `policyholder` was told of `notice_version` (kind informed_email / informed_post) or
    answered it (consented / declined), at the end of their chain of notice records.

    The policyholder row is locked, as preferences_update locks it, so two records for one customer never
    take the same place in the chain. Being told is recorded once per version and channel: a second call
    returns the first record. An answer with an idempotency key seen before returns the first answer.
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
    ip_address = _valid_ip(ip_address)

    policyholder = Policyholder.objects.select_for_update().get(pk=policyholder.pk)
    records = NoticeRecord.objects.filter(policyholder=policyholder)
    existing = None
    if idempotency_key:
        existing = records.filter(idempotency_key=idempotency_key).first()
    if existing is None and kind in NoticeRecord.INFORMED:
        existing = records.filter(notice_version=notice_version, kind=kind).first()
    if existing is not None:
        return NoticeRecordResult(record=existing, repeated=True)

    last = records.order_by("-id").values_list("hash", flat=True).first()
    record = NoticeRecord(
        policyholder=policyholder,
        notice_version=notice_version,
        kind=kind,
        campaign_id=campaign_id,
        created_at=at or timezone.now(),
        source=source,
        actor=actor,
        ip_address=ip_address,
        user_agent=user_agent[:USER_AGENT_LIMIT],
        idempotency_key=idempotency_key,
        previous_hash=last or GENESIS,
        key_id=current_key_id(),
    )
    record.hash = notice_record_hash(record)
    record.save()
    return NoticeRecordResult(record=record)
