import secrets
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .chain import GENESIS, current_key_id, event_hash
from .models import ConsentEvent, OutgoingEmail, Policyholder, Preference, Receipt, Source
from .outbox import outgoing_email_queue
from .selectors import joint_use_version_in_force, matrix_axes

USER_AGENT_LIMIT = 300


@dataclass
class PreferencesResult:
    receipt: Receipt | None  # None when nothing changed
    events: list[ConsentEvent] = field(default_factory=list)
    repeated: bool = False  # the idempotency key was seen before; nothing new was written
    # Cells whose stored value was no longer what the customer's page showed: changed elsewhere since.
    stale: list[tuple[int, str]] = field(default_factory=list)


def _new_receipt_number() -> str:
    # 32 random bits a day: with thousands of receipts a day a repeat is likely within months, and the
    # unique constraint would turn it into an error for the customer, so draw again.
    while True:
        number = f"{timezone.localdate():%Y%m%d}-{secrets.token_hex(4).upper()}"
        if not Receipt.objects.filter(number=number).exists():
            return number


@transaction.atomic
def preferences_update(
    *,
    policyholder: Policyholder,
    changes: dict[tuple[int, str], bool],
    source: str,
    idempotency_key: str,
    actor=None,
    reason: str = "",
    ip_address: str | None = None,
    user_agent: str = "",
    expected: dict[tuple[int, str], bool] | None = None,
) -> PreferencesResult:
    """Apply `changes` ({(company_id, channel_code): allowed}) for one policyholder.

    Every write to preferences goes through here. The policyholder row is locked, so concurrent
    requests for one customer queue up and each sees the chain the previous one left. Only cells
    whose value changes get an event; a repeated idempotency key returns the first result.
    `expected` is what the customer's page showed ({(company_id, channel_code): allowed}); the cells that
    have changed since are returned as `stale`, so that the customer is told rather than misled.

    The customer hears of every change made in their name, by whoever made it: the receipt email is
    queued in this transaction (a worker sends it), so it exists exactly when the change does.
    """
    if source not in Source.values:
        raise ValueError(source)
    if not idempotency_key or len(idempotency_key) > 64:
        raise ValidationError(_("The request has no valid idempotency key."), code="idempotency_key")
    if source == Source.STAFF and not (actor and reason.strip()):
        raise ValidationError(_("A change on the customer's behalf needs the staff member and a reason."))
    # Hash what the database will store: it writes IPv6 addresses in their canonical form, and a hash of
    # the form as received would not verify later.
    if ip_address:
        ip_field = ConsentEvent._meta.get_field("ip_address")
        ip_address = ip_field.to_python(ip_address)
        ip_field.run_validators(ip_address)
    ip_address = ip_address or None

    policyholder = Policyholder.objects.select_for_update().get(pk=policyholder.pk)
    existing = Receipt.objects.filter(policyholder=policyholder, idempotency_key=idempotency_key).first()
    if existing is not None:
        return PreferencesResult(receipt=existing, events=list(existing.events.order_by("id")), repeated=True)

    company_list, channel_list = matrix_axes()
    companies = {company.pk: company for company in company_list}
    channels = {channel.code: channel for channel in channel_list}
    for company_id, channel_code in changes:
        if company_id not in companies:
            raise ValidationError(_("Unknown company: %(company)s") % {"company": company_id}, code="company")
        if channel_code not in channels:
            raise ValidationError(_("Unknown channel: %(channel)s") % {"channel": channel_code}, code="channel")
    for allowed in changes.values():
        if not isinstance(allowed, bool):
            raise ValidationError(_("A preference is either on or off."), code="value")

    stored = {
        (p.company_id, p.channel.code): p
        for p in Preference.objects.filter(policyholder=policyholder).select_related("channel")
    }
    stale = []
    for (company_id, channel_code), shown in sorted((expected or {}).items()):
        if company_id in companies and channel_code in channels:
            preference = stored.get((company_id, channel_code))
            if shown != (preference.allowed if preference else channels[channel_code].default_allowed):
                stale.append((company_id, channel_code))
    changed = []
    for (company_id, channel_code), allowed in sorted(changes.items()):
        preference = stored.get((company_id, channel_code))
        current = preference.allowed if preference else channels[channel_code].default_allowed
        if allowed != current:
            changed.append((company_id, channels[channel_code], current, allowed, preference))
    if not changed:
        return PreferencesResult(receipt=None, stale=stale)

    now = timezone.now()
    receipt = Receipt.objects.create(
        number=_new_receipt_number(),
        policyholder=policyholder,
        source=source,
        idempotency_key=idempotency_key,
        created_at=now,
    )
    version = joint_use_version_in_force()
    last = policyholder.events.order_by("-id").values_list("hash", flat=True).first()
    previous_hash = last or GENESIS
    events = []
    for company_id, channel, old_value, new_value, preference in changed:
        event = ConsentEvent(
            policyholder=policyholder,
            receipt=receipt,
            company_id=company_id,
            channel=channel,
            old_value=old_value,
            new_value=new_value,
            created_at=now,
            notice_version=version,
            source=source,
            actor=actor,
            reason=reason.strip(),
            ip_address=ip_address,
            user_agent=user_agent[:USER_AGENT_LIMIT],
            idempotency_key=idempotency_key,
            previous_hash=previous_hash,
            key_id=current_key_id(),
        )
        event.hash = event_hash(event, channel_code=channel.code, receipt_number=receipt.number)
        # Saved one at a time so that ids follow the chain order on every database.
        event.save()
        previous_hash = event.hash
        events.append(event)
        if preference is None:
            Preference.objects.create(
                policyholder=policyholder, company_id=company_id, channel=channel,
                allowed=new_value, last_event=event, updated_at=now,
            )
        else:
            preference.allowed = new_value
            preference.last_event = event
            preference.updated_at = now
            preference.save(update_fields=["allowed", "last_event", "updated_at"])
    if policyholder.email:
        outgoing_email_queue(kind=OutgoingEmail.Kind.RECEIPT, policyholder=policyholder, receipt=receipt)
    return PreferencesResult(receipt=receipt, events=events, stale=stale)
