import datetime
import secrets
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.dates import today_in_tokyo
from customers.models import Policyholder
from notices.selectors import consent_grounds_on
from outbox.sending import outgoing_email_queue

from .chain import chain_append, chain_ip, event_hash, policyholder_lock
from .changes import EVENT, changes_notify
from .emails import CONSENT_ANSWER, RECEIPT
from .models import Capture, ConsentEvent, NoticeRecord, Preference, Receipt, Source
from .reconsent import is_asked, latest_answers
from .records import NoticeRecordResult, notice_record_append
from .selectors import joint_use_version_in_force, matrix_axes

__all__ = [
    "AnswerResult", "NoticeRecordResult", "PreferencesResult", "consent_answer_record", "notice_record_append",
    "preferences_update",
]


@dataclass
class PreferencesResult:
    receipt: Receipt | None  # None when nothing changed
    events: list[ConsentEvent] = field(default_factory=list)
    repeated: bool = False  # the idempotency key was seen before; nothing new was written
    # Cells whose stored value was no longer what the customer's page showed: changed elsewhere since.
    stale: list[tuple[int, str]] = field(default_factory=list)


def _receipt_number() -> str:
    return f"{timezone.localdate():%Y%m%d}-{secrets.token_hex(4).upper()}"


def _receipt_insert(*, policyholder: Policyholder, source: str, idempotency_key: str, email, now) -> Receipt | None:
    """Insert the receipt, or return None when this idempotency key already has one (a repeated submission).

    An insert that skips any unique conflict, then the key's row read back, instead of a look-up before it:
    the policyholder is locked, so a row with this key and another number is a repeat, and no row means the
    number was taken (32 random bits a day: with thousands of receipts a day a repeat of a number is likely
    within months), so another is drawn.
    """
    while True:
        receipt = Receipt(
            number=_receipt_number(), policyholder=policyholder, source=source, idempotency_key=idempotency_key,
            email=email, created_at=now,
        )
        Receipt.objects.bulk_create([receipt], ignore_conflicts=True)
        stored = (
            Receipt.objects.filter(policyholder=policyholder, idempotency_key=idempotency_key)
            .values_list("pk", "number").first()
        )
        if stored is None:
            continue
        if stored[1] != receipt.number:
            return None
        receipt.pk = stored[0]
        return receipt


def _repeated(policyholder: Policyholder, idempotency_key: str) -> PreferencesResult | None:
    existing = Receipt.objects.filter(policyholder=policyholder, idempotency_key=idempotency_key).first()
    if existing is None:
        return None
    return PreferencesResult(receipt=existing, events=list(existing.events.order_by("id")), repeated=True)


def _stored_cells(policyholder: Policyholder, channel_codes: dict[int, str]) -> dict[tuple[int, str], bool]:
    """{(company_id, channel_code): allowed} for the cells the customer has set."""
    cells = Preference.objects.filter(policyholder=policyholder).values_list("company_id", "channel_id", "allowed")
    return {(company_id, channel_codes.get(channel_id)): allowed for company_id, channel_id, allowed in cells}


def _stored_cells_and_times(policyholder: Policyholder, channel_codes: dict[int, str]):
    """_stored_cells, and {(company_id, channel_code): when the customer last said what the cell holds}: the time
    they said it elsewhere, or the time it was recorded here. One query."""
    cells = Preference.objects.filter(policyholder=policyholder).values_list(
        "company_id", "channel_id", "allowed", "last_event__occurred_at", "last_event__created_at"
    )
    stored, latest = {}, {}
    for company_id, channel_id, allowed, occurred_at, created_at in cells:
        stored[(company_id, channel_codes.get(channel_id))] = allowed
        latest[(company_id, channel_codes.get(channel_id))] = occurred_at or created_at
    return stored, latest


def occurred_at_check(occurred_at, *, now=None, opt_in: bool = True) -> None:
    """ValidationError unless `occurred_at` is a possible time for a customer to have said something: not in the
    future, and, for an opt-in (`opt_in`), within INBOUND_CHANGE_MAX_AGE_DAYS. An opt-out or a stop on contact
    is never too old to honour (特定電子メール法 Art. 3(3)): it is recorded whenever it arrives, and its time
    still keeps it from undoing a later interaction."""
    now = now or timezone.now()
    if timezone.is_naive(occurred_at):
        raise ValidationError(_("Give the time the customer said it with its time zone (for example +09:00)."),
                              code="occurred_at")
    if occurred_at > now + datetime.timedelta(seconds=settings.INBOUND_CHANGE_CLOCK_SKEW_SECONDS):
        raise ValidationError(_("The time the customer said it (occurred_at) is in the future."), code="occurred_at")
    if opt_in and occurred_at < now - datetime.timedelta(days=settings.INBOUND_CHANGE_MAX_AGE_DAYS):
        raise ValidationError(
            _("The time the customer said it (occurred_at) is more than %(days)s days ago: such a change is "
              "no longer accepted as the customer's current wish. Confirm it with the customer again.")
            % {"days": settings.INBOUND_CHANGE_MAX_AGE_DAYS},
            code="occurred_at",
        )


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
    occurred_at: datetime.datetime | None = None,
    capture: str = "",
    operator: str = "",
    evidence: str = "",
) -> PreferencesResult:
    """Apply `changes` ({(company_id, channel_code): allowed}) for one policyholder.

    Every write to preferences goes through here. The policyholder row is locked, so concurrent
    requests for one customer queue up and each sees the chain the previous one left. Only cells
    whose value changes get an event; a repeated idempotency key returns the first result.
    `expected` is what the customer's page showed ({(company_id, channel_code): allowed}); the cells that
    have changed since are returned as `stale`, so that the customer is told rather than misled.

    The customer hears of every change made in their name, by whoever made it: the receipt email is
    queued in this transaction (a worker sends it), so it exists exactly when the change does.

    A change the customer made elsewhere and that reaches the portal later gives `occurred_at` (when they said
    it), `capture` (through what: consents.models.Capture), `operator` (who or what keyed it in) and `evidence`
    (a recording id, a document id). The latest interaction wins: each such change is recorded as an event,
    and it sets its cell only if it is not older than what the cell holds; an older one stays in the chain as
    evidence (applied=False) with both times, and the cell is left as it is.
    """
    if source not in Source.values:
        raise ValueError(source)
    if not idempotency_key or len(idempotency_key) > 64:
        raise ValidationError(_("The request has no valid idempotency key."), code="idempotency_key")
    if source == Source.STAFF and not (actor and reason.strip()):
        raise ValidationError(_("A change on the customer's behalf needs the staff member and a reason."))
    ip_address = chain_ip(ConsentEvent, ip_address)
    if occurred_at is not None:
        occurred_at_check(occurred_at, opt_in=any(allowed is True for allowed in changes.values()))
    if capture and capture not in Capture.values:
        raise ValidationError(_("Unknown way the customer said it: %(capture)s") % {"capture": capture}, code="capture")
    if len(operator) > 100 or len(evidence) > 200:
        raise ValidationError(_("The operator or the evidence reference is too long."), code="evidence")

    address = policyholder_lock(policyholder)

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

    codes = {channel.pk: code for code, channel in channels.items()}
    if occurred_at is None:
        stored, latest = _stored_cells(policyholder, codes), {}
    else:
        stored, latest = _stored_cells_and_times(policyholder, codes)
    stale = []
    for (company_id, channel_code), shown in sorted((expected or {}).items()):
        known = company_id in companies and channel_code in channels
        if known and shown != stored.get((company_id, channel_code), channels[channel_code].default_allowed):
            stale.append((company_id, channel_code))
    changed = []  # (company_id, channel, old, new, applied)
    for (company_id, channel_code), allowed in sorted(changes.items()):
        current = stored.get((company_id, channel_code), channels[channel_code].default_allowed)
        if occurred_at is None:
            if allowed != current:
                changed.append((company_id, channels[channel_code], current, allowed, True))
            continue
        # What the customer said elsewhere is evidence whatever it changes: recorded every time, applied only
        # when no later interaction decides the cell (the same value again refreshes the cell's time).
        last = latest.get((company_id, channel_code))
        changed.append((company_id, channels[channel_code], current, allowed, last is None or occurred_at >= last))
    # A repeated submission (a double click, a retry) answers with the first one's receipt, whatever
    # has changed since; the key is looked up only when there is nothing to write, or when writing the
    # receipt finds the key taken.
    if not changed:
        return _repeated(policyholder, idempotency_key) or PreferencesResult(receipt=None, stale=stale)

    now = timezone.now()
    # The receipt email is queued first so that the receipt is written pointing to it: one statement fewer.
    email = outgoing_email_queue(kind=RECEIPT, policyholder=policyholder) if address else None
    receipt = _receipt_insert(
        policyholder=policyholder, source=source, idempotency_key=idempotency_key, email=email, now=now
    )
    if receipt is None:
        if email is not None:
            email.delete()
        return _repeated(policyholder, idempotency_key)
    receipt.policyholder = policyholder
    version = joint_use_version_in_force()
    events = [
        ConsentEvent(
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
            user_agent=user_agent,
            idempotency_key=idempotency_key,
            occurred_at=occurred_at,
            capture=capture,
            operator=operator.strip(),
            evidence=evidence.strip(),
            applied=applied,
        )
        for company_id, channel, old_value, new_value, applied in changed
    ]
    chain_append(events, digest=lambda event: event_hash(
        event, channel_code=event.channel.code, receipt_number=receipt.number
    ))
    # One upsert for every changed cell, new or set before (one per policyholder, company and channel).
    Preference.objects.bulk_create(
        [
            Preference(
                policyholder=policyholder, company_id=event.company_id, channel=event.channel,
                allowed=event.new_value, last_event=event, updated_at=now,
            )
            for event in events
            if event.applied
        ],
        update_conflicts=True,
        unique_fields=["policyholder", "company", "channel"],
        update_fields=["allowed", "last_event", "updated_at"],
    )
    changes_notify(EVENT, events)
    return PreferencesResult(receipt=receipt, events=events, stale=stale)


@dataclass(frozen=True)
class AnswerResult:
    record: NoticeRecord
    changed: bool  # False: the same answer was already the latest (or the form was sent twice); nothing was written
    previous: NoticeRecord | None = None  # the answer this one replaces; None for a first answer


def _answer_number() -> str:
    """A record number in the receipts' form, used by neither a receipt nor another answer: the customer quotes
    one number to staff, whichever it is."""
    while True:
        number = _receipt_number()
        taken = (
            NoticeRecord.objects.filter(number=number).exists() or Receipt.objects.filter(number=number).exists()
        )
        if not taken:
            return number


@transaction.atomic
def consent_answer_record(
    *,
    policyholder: Policyholder,
    version_id: int,
    consent: bool,
    source: str = NoticeRecord.Source.PORTAL,
    actor=None,
    ip_address: str | None = None,
    user_agent: str = "",
    idempotency_key: str = "",
) -> AnswerResult:
    """Record a customer's answer to a consent question (consents/reconsent.py), first or changed, as a chained
    NoticeRecord with a record number, and queue the email that confirms it (kind CONSENT_ANSWER) in the same
    transaction: every answer the customer gives, or staff record for them (source STAFF, with `actor`), is
    confirmed to them. The policyholder row is locked, so two tabs answering at once are recorded one after the
    other; the same answer as the latest records nothing and sends nothing, and so does an idempotency key seen
    before."""
    change = consent_grounds_on(today_in_tokyo()).change_of(version_id)
    if change is None:
        raise ValidationError(_("This change to the joint use does not ask for your consent (any more)."))
    address = policyholder_lock(policyholder)
    if not is_asked(policyholder, change):
        raise ValidationError(_(
            "You became our customer after this change took effect, so it does not ask for your consent."
        ))
    kind = NoticeRecord.Kind.CONSENTED if consent else NoticeRecord.Kind.DECLINED
    latest = latest_answers(policyholder, [version_id]).get(version_id)
    if latest is not None and latest.kind == kind:
        return AnswerResult(latest, changed=False)
    if idempotency_key:
        repeated = NoticeRecord.objects.filter(policyholder=policyholder, idempotency_key=idempotency_key).first()
        if repeated is not None:
            return AnswerResult(repeated, changed=False)
    email = outgoing_email_queue(kind=CONSENT_ANSWER, policyholder=policyholder) if address else None
    result = notice_record_append(
        policyholder=policyholder, notice_version=change.version, kind=kind, source=source, actor=actor,
        ip_address=ip_address, user_agent=user_agent, idempotency_key=idempotency_key, number=_answer_number(),
        email=email,
    )
    return AnswerResult(result.record, changed=True, previous=latest)
