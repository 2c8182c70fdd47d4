import secrets
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.rows import insert
from notices.models import today_in_tokyo
from notices.selectors import consent_grounds_on

from .chain import GENESIS, current_key_id, event_hash
from .models import ConsentEvent, NoticeRecord, OutgoingEmail, Policyholder, Preference, Receipt, Source
from .outbox import outgoing_email_queue
from .reconsent import is_asked, latest_answers
from .records import NoticeRecordResult, notice_record_append
from .selectors import joint_use_version_in_force, matrix_axes

__all__ = ["NoticeRecordResult", "PreferencesResult", "notice_record_append", "preferences_update", "reconsent_answer"]

USER_AGENT_LIMIT = 300


@dataclass
class PreferencesResult:
    receipt: Receipt | None  # None when nothing changed
    events: list[ConsentEvent] = field(default_factory=list)
    repeated: bool = False  # the idempotency key was seen before; nothing new was written
    # Cells whose stored value was no longer what the customer's page showed: changed elsewhere since.
    stale: list[tuple[int, str]] = field(default_factory=list)


# The same statement on PostgreSQL and SQLite (3.35 and newer); a fixed string, built from nothing outside.
RECEIPT_INSERT = f"""
    INSERT INTO {Receipt._meta.db_table} (number, policyholder_id, source, idempotency_key, created_at)
    VALUES (%s, %s, %s, %s, %s) ON CONFLICT DO NOTHING RETURNING id
"""  # noqa: S608


def _receipt_number() -> str:
    return f"{timezone.localdate():%Y%m%d}-{secrets.token_hex(4).upper()}"


def _receipt_insert(*, policyholder: Policyholder, source: str, idempotency_key: str, now) -> Receipt | None:
    """Insert the receipt, or return None when this idempotency key already has one (a repeated submission).

    One statement that skips any unique conflict instead of a look-up before it: the policyholder is
    locked, so a conflict on the key is a repeat; a conflict on the number (32 random bits a day, so with
    thousands of receipts a day a repeat of a number is likely within months) draws another number.
    """
    created_at = connection.ops.adapt_datetimefield_value(now)
    with connection.cursor() as cursor:
        while True:
            number = _receipt_number()
            cursor.execute(RECEIPT_INSERT, [number, policyholder.pk, source, idempotency_key, created_at])
            row = cursor.fetchone()
            if row is not None:
                # As if read back: a saved row, not one to insert again.
                receipt = Receipt.from_db(
                    connection.alias, ["id", "number", "policyholder_id", "source", "idempotency_key", "created_at"],
                    [row[0], number, policyholder.pk, source, idempotency_key, now],
                )
                receipt.policyholder = policyholder
                return receipt
            if Receipt.objects.filter(policyholder=policyholder, idempotency_key=idempotency_key).exists():
                return None


def _repeated(policyholder: Policyholder, idempotency_key: str) -> PreferencesResult | None:
    existing = Receipt.objects.filter(policyholder=policyholder, idempotency_key=idempotency_key).first()
    if existing is None:
        return None
    return PreferencesResult(receipt=existing, events=list(existing.events.order_by("id")), repeated=True)


# The save's reads and its one update, as fixed statements on the models' own tables: a save runs them for every
# customer who changes a setting, and the ORM would compile each anew (tests/consents/test_preferences.py pins the
# statements a save runs).
_POLICYHOLDERS, _PREFERENCES, _EVENTS = (
    model._meta.db_table for model in (Policyholder, Preference, ConsentEvent)
)
LOCK = f"SELECT email FROM {_POLICYHOLDERS} WHERE id = %s"  # noqa: S608
CELLS = f"SELECT company_id, channel_id, id, allowed FROM {_PREFERENCES} WHERE policyholder_id = %s"  # noqa: S608
CHAIN_HEAD = f"SELECT hash FROM {_EVENTS} WHERE policyholder_id = %s ORDER BY id DESC LIMIT 1"  # noqa: S608
PREFERENCE_SET = f"UPDATE {_PREFERENCES} SET allowed = %s, last_event_id = %s, updated_at = %s WHERE id = %s"  # noqa: S608


def _lock(policyholder: Policyholder) -> str:
    """Lock the policyholder's row until the transaction ends (on SQLite the transaction's write lock does)
    and return their email address as stored now."""
    for_update = " FOR UPDATE" if connection.features.has_select_for_update else ""
    with connection.cursor() as cursor:
        cursor.execute(LOCK + for_update, [policyholder.pk])
        row = cursor.fetchone()
    if row is None:
        raise Policyholder.DoesNotExist(policyholder.pk)
    return row[0]


def _stored_cells(policyholder: Policyholder, channel_codes: dict[int, str]) -> dict[tuple[int, str], tuple]:
    """{(company_id, channel_code): (preference id, allowed)} for the cells the customer has set."""
    with connection.cursor() as cursor:
        cursor.execute(CELLS, [policyholder.pk])
        return {
            (company_id, channel_codes.get(channel_id)): (pk, bool(allowed))
            for company_id, channel_id, pk, allowed in cursor.fetchall()
        }


def _chain_head(policyholder: Policyholder) -> str:
    """The hash of the policyholder's latest event; read under the lock, so no other save can follow it."""
    with connection.cursor() as cursor:
        cursor.execute(CHAIN_HEAD, [policyholder.pk])
        row = cursor.fetchone()
    return row[0] if row else GENESIS


def _preference_set(preference_id: int, *, allowed: bool, event: ConsentEvent, now) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            PREFERENCE_SET, [allowed, event.pk, connection.ops.adapt_datetimefield_value(now), preference_id]
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

    email = _lock(policyholder)

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

    stored = _stored_cells(policyholder, {channel.pk: code for code, channel in channels.items()})
    stale = []
    for (company_id, channel_code), shown in sorted((expected or {}).items()):
        if company_id in companies and channel_code in channels:
            cell = stored.get((company_id, channel_code))
            if shown != (cell[1] if cell else channels[channel_code].default_allowed):
                stale.append((company_id, channel_code))
    changed = []
    for (company_id, channel_code), allowed in sorted(changes.items()):
        cell = stored.get((company_id, channel_code))
        current = cell[1] if cell else channels[channel_code].default_allowed
        if allowed != current:
            changed.append((company_id, channels[channel_code], current, allowed, cell[0] if cell else None))
    # A repeated submission (a double click, a retry) answers with the first one's receipt, whatever
    # has changed since; the key is looked up only when there is nothing to write, or when writing the
    # receipt finds the key taken.
    if not changed:
        return _repeated(policyholder, idempotency_key) or PreferencesResult(receipt=None, stale=stale)

    now = timezone.now()
    receipt = _receipt_insert(policyholder=policyholder, source=source, idempotency_key=idempotency_key, now=now)
    if receipt is None:
        return _repeated(policyholder, idempotency_key)
    version = joint_use_version_in_force()
    previous_hash = _chain_head(policyholder)
    events = []
    for company_id, channel, old_value, new_value, preference_id in changed:
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
        # Inserted one at a time so that ids follow the chain order on every database.
        insert(event)
        previous_hash = event.hash
        events.append(event)
        if preference_id is None:
            insert(Preference(
                policyholder=policyholder, company_id=company_id, channel=channel,
                allowed=new_value, last_event=event, updated_at=now,
            ))
        else:
            _preference_set(preference_id, allowed=new_value, event=event, now=now)
    if email:
        outgoing_email_queue(kind=OutgoingEmail.Kind.RECEIPT, policyholder=policyholder, receipt=receipt)
    return PreferencesResult(receipt=receipt, events=events, stale=stale)


@dataclass(frozen=True)
class AnswerResult:
    record: NoticeRecord
    changed: bool  # False: the same answer was already the latest; nothing was written


@transaction.atomic
def reconsent_answer(
    *, policyholder: Policyholder, version_id: int, consent: bool, ip_address: str | None = None,
    user_agent: str = "",
) -> AnswerResult:
    """Record the customer's answer to a consent question (consents/reconsent.py) as a chained NoticeRecord.
    The policyholder row is locked, so two tabs answering at once are recorded one after the other; the same
    answer as the latest records nothing."""
    change = consent_grounds_on(today_in_tokyo()).change_of(version_id)
    if change is None:
        raise ValidationError(_("This change to the joint use does not ask for your consent (any more)."))
    policyholder = Policyholder.objects.select_for_update().get(pk=policyholder.pk)
    if not is_asked(policyholder, change):
        raise ValidationError(_(
            "You became our customer after this change took effect, so it does not ask for your consent."
        ))
    kind = NoticeRecord.Kind.CONSENTED if consent else NoticeRecord.Kind.DECLINED
    latest = latest_answers(policyholder, [version_id]).get(version_id)
    if latest is not None and latest.kind == kind:
        return AnswerResult(latest, changed=False)
    result = notice_record_append(
        policyholder=policyholder, notice_version=change.version, kind=kind, source=NoticeRecord.Source.PORTAL,
        ip_address=ip_address, user_agent=user_agent,
    )
    return AnswerResult(result.record, changed=not result.repeated)
