"""Reads behind the API: who may be contacted, and who must be left out, for one company and channel."""

import datetime
import re
from dataclasses import dataclass

from django.core import signing
from django.db import connection
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from consents.models import Channel, ConsentEvent, NoticeRecord, Preference, Receipt, Suppression
from core.memo import process_memo
from customers.models import Policyholder
from notices.selectors import ConsentChange

from .problems import ApiProblem

CURSOR_SALT = "api.do-not-contact.cursor"
# A cursor trails the newest event by this much, so that a change still being committed while an
# export runs (its id taken, its row not yet visible) is reported by the next export, not skipped.
CURSOR_GRACE = datetime.timedelta(seconds=60)


@dataclass(frozen=True)
class Permission:
    customer_number: str
    allowed: bool
    # All None while nobody chose and the channel's default applies.
    since: datetime.datetime | None
    event_id: int | None
    receipt: str | None
    source: str | None
    # For a company that joined on the customers' consent: the customer's latest answer ("consented",
    # "declined") or "" for none, when the customer was asked; None when the company needs no consent from them.
    joint_use_answer: str | None = None
    # The suppression that stops this contact whatever was chosen: (its id, its kind), or None.
    suppression: tuple[int, str] | None = None

    @property
    def joint_use_refused(self) -> bool:
        return self.joint_use_answer is not None and self.joint_use_answer != NoticeRecord.Kind.CONSENTED


@process_memo(seconds=60)
def _channel(code: str) -> Channel | None:
    # A channel's code and default cannot change (the admin keeps them read-only): a memo is safe.
    return Channel.objects.filter(code=code).first()


def channel_get(code: str) -> Channel:
    channel = _channel(code)
    if channel is None:
        raise ApiProblem(422, "unknown-channel", _("Unknown channel: %(channel)s") % {"channel": code})
    return channel


def contact_permissions(
    *, company_id: int, channel: Channel, customer_numbers: list[str], consent: ConsentChange | None = None,
) -> tuple[list[Permission], list[str]]:
    """The permission of each known customer (in the order given) and the numbers we do not know.

    One query whatever the number of customers: each policyholder with its cell for this company
    and channel, if there is one, and, when the company joined the joint use on the customers' consent
    (`consent`, the version that added it), whether the customer was asked and their latest answer.
    Written in SQL because this is the hottest read of the API and building the equivalent ORM query
    costs more than running it.
    """
    numbers = list(dict.fromkeys(customer_numbers))
    placeholders = ", ".join(["%s"] * len(numbers))
    if consent is None:
        sql, params = _PERMISSIONS_SQL.format(answer=_NO_ANSWER, placeholders=placeholders), []
    else:
        sql = _PERMISSIONS_SQL.format(answer=_ANSWER, placeholders=placeholders)
        params = [consent.starts_at, consent.version.pk, *ANSWER_KINDS]
    rows = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, company_id, channel.pk, company_id, channel.pk, *numbers])
        for number, asked, answer, suppression, allowed, since, event_id, receipt, source in cursor.fetchall():
            rows[number] = (asked, answer, suppression, allowed, since, event_id, receipt, source)
    found, missing = [], []
    for number in numbers:
        row = rows.get(number)
        if row is None:
            missing.append(number)
            continue
        asked, answer, suppression, allowed, since, event_id, receipt, source = row
        if suppression:
            suppression_id, kind = str(suppression).split(":", 1)
            suppression = (int(suppression_id), kind)
        found.append(Permission(
            number,
            channel.default_allowed if allowed is None else bool(allowed),
            _as_datetime(since),
            event_id,
            receipt,
            source,
            joint_use_answer=(answer or "") if asked else None,
            suppression=suppression or None,
        ))
    return found, missing


ANSWER_KINDS = (NoticeRecord.Kind.CONSENTED.value, NoticeRecord.Kind.DECLINED.value)
_NO_ANSWER = "NULL, NULL"
# Asked: a customer before the version's effective date; the answer: their latest to that version.
_ANSWER = f"""
    CASE WHEN holder.created_at < %s THEN 1 ELSE 0 END,
    (SELECT answer.kind FROM {NoticeRecord._meta.db_table} answer
     WHERE answer.policyholder_id = holder.id AND answer.notice_version_id = %s AND answer.kind IN (%s, %s)
     ORDER BY answer.id DESC LIMIT 1)
"""  # noqa: S608

# The first suppression in place for this company and channel ("<id>:<kind>"): placed, not lifted, and for a
# bounce or a complaint only while the customer's address is the one it was about.
_SUPPRESSION = f"""
    (SELECT sup.id || ':' || sup.kind FROM {Suppression._meta.db_table} sup
     WHERE sup.policyholder_id = holder.id AND sup.action = 'place'
       AND NOT EXISTS (SELECT 1 FROM {Suppression._meta.db_table} lift WHERE lift.lifts_id = sup.id)
       AND (sup.company_id IS NULL OR sup.company_id = %s) AND (sup.channel_id IS NULL OR sup.channel_id = %s)
       AND (sup.address = '' OR sup.address = LOWER(holder.email))
     ORDER BY sup.id LIMIT 1)
"""  # noqa: S608

# Table names come from the models; every value is a parameter.
_PERMISSIONS_SQL = f"""
    SELECT holder.customer_number, {{answer}}, {_SUPPRESSION},
        cell.allowed, cell.updated_at, cell.last_event_id, receipt.number, event.source
    FROM {Policyholder._meta.db_table} holder
    LEFT JOIN {Preference._meta.db_table} cell
        ON cell.policyholder_id = holder.id AND cell.company_id = %s AND cell.channel_id = %s
    LEFT JOIN {ConsentEvent._meta.db_table} event ON event.id = cell.last_event_id
    LEFT JOIN {Receipt._meta.db_table} receipt ON receipt.id = event.receipt_id
    WHERE holder.customer_number IN ({{placeholders}})
"""  # noqa: S608


def _as_datetime(value) -> datetime.datetime | None:
    # PostgreSQL hands back an aware datetime; SQLite the UTC value the ORM stored, naive.
    if isinstance(value, str):
        value = parse_datetime(value)
    if value is not None and timezone.is_naive(value):
        value = value.replace(tzinfo=datetime.UTC)
    return value


@dataclass(frozen=True)
class Cursor:
    event: int  # the newest consent event the export reflected
    answer: int  # the newest notice record (consent answers) it reflected
    suppression: int = 0  # the newest suppression row (placed or lifted); 0 in cursors from before suppressions


def cursor_issue(*, company_id: int, channel: Channel, consent: ConsentChange | None = None) -> str:
    horizon = timezone.now() - CURSOR_GRACE
    last = ConsentEvent.objects.filter(created_at__lt=horizon).order_by("-id").values_list("id", flat=True).first()
    data = {"event": last or 0, "company": company_id, "channel": channel.code, "consent": None}
    data["suppression"] = (
        Suppression.objects.filter(created_at__lt=horizon).order_by("-id").values_list("id", flat=True).first() or 0
    )
    if consent is not None:
        data["consent"] = consent.version.pk
        data["answer"] = (
            NoticeRecord.objects.filter(created_at__lt=horizon).order_by("-id").values_list("id", flat=True).first()
            or 0
        )
    return signing.dumps(data, salt=CURSOR_SALT)


def _ground_changed() -> ApiProblem:
    return ApiProblem(422, "invalid-cursor", _(
        "Since this cursor was issued, the ground on which this company may use customers' data has changed (a "
        "notice version that adds it on consent took effect). Start again with a full export."
    ))

# A webhook event's id (relay.delivery): the consent event it reported, the position an export resumes after.
EVENT_ID = re.compile(r"ce_([0-9]{1,18})")


def cursor_read(cursor: str, *, company_id: int, channel: Channel, consent: ConsentChange | None = None) -> Cursor:
    if match := EVENT_ID.fullmatch(cursor):
        # Resuming after the last webhook event received: every consent event after it, and every answer and
        # suppression whatever their age (their rows are the customers' current state, applied as upserts).
        event = int(match.group(1))
        if consent is not None:
            # As for a signed cursor: an event from before the consent version took effect cannot carry the
            # customers whose state changed then without an event (asked, never answered).
            reported = ConsentEvent.objects.filter(pk=event).values_list("created_at", flat=True).first()
            if reported is None or reported < consent.starts_at:
                raise _ground_changed()
        return Cursor(event, 0, 0)
    try:
        data = signing.loads(cursor, salt=CURSOR_SALT)
    except signing.BadSignature:
        data = None
    if (
        not isinstance(data, dict)
        or data.get("company") != company_id
        or data.get("channel") != channel.code
        or not isinstance(data.get("event"), int)
    ):
        raise ApiProblem(
            422,
            "invalid-cursor",
            _("This since cursor was not issued for this company and channel. Start again with a full export."),
        )
    if data.get("consent") != (consent.version.pk if consent else None):
        # A version that adds this company on the customers' consent took effect (or stopped deciding) since the
        # cursor: customers who did not consent changed state without an event, so only a full export is right.
        raise _ground_changed()
    suppression = data.get("suppression", 0)
    return Cursor(data["event"], data.get("answer", 0), suppression if isinstance(suppression, int) else 0)


def do_not_contact_rows(
    *, company_id: int, channel: Channel, after: Cursor | None, consent: ConsentChange | None = None
):
    """The export's rows (_preference_rows), with the suppressions that apply to this company and channel: a
    suppressed customer is never to be contacted, whatever their preference; with a cursor, a customer whose
    suppression was placed or lifted after it comes too, in their current state."""
    rows = _preference_rows(company_id=company_id, channel=channel, after=after, consent=consent)
    suppressed = _suppressed(company_id=company_id, channel=channel)
    listed = set()
    for number, allowed, changed_at in rows:
        listed.add(number)
        if number in suppressed:
            yield number, False, max(changed_at, suppressed[number]) if changed_at else suppressed[number]
        else:
            yield number, allowed, changed_at
    if after is None:
        for number, since in suppressed.items():
            if number not in listed:
                yield number, False, since
        return
    touched = list(
        Suppression.objects.filter(id__gt=after.suppression)
        .filter(Q(company__isnull=True) | Q(company_id=company_id))
        .filter(Q(channel__isnull=True) | Q(channel=channel))
        .exclude(policyholder__customer_number__in=listed)
        .values_list("policyholder__customer_number", flat=True).distinct()
    )
    for start in range(0, len(touched), 1000):
        found, _missing = contact_permissions(
            company_id=company_id, channel=channel, customer_numbers=touched[start:start + 1000], consent=consent
        )
        for permission in found:
            allowed = permission.allowed and not permission.joint_use_refused and permission.suppression is None
            yield permission.customer_number, allowed, permission.since or timezone.now()


def _suppressed(*, company_id: int, channel: Channel) -> dict[str, datetime.datetime]:
    """{customer number: since when} of the customers a suppression in place stops for this company and channel."""
    rows = (
        Suppression.objects.filter(action=Suppression.Action.PLACE, lifted_by__isnull=True)
        .filter(Q(company__isnull=True) | Q(company_id=company_id))
        .filter(Q(channel__isnull=True) | Q(channel=channel))
        .values_list("policyholder__customer_number", "policyholder__email", "address", "created_at")
    )
    found = {}
    for number, email, address, created_at in rows.iterator(chunk_size=2000):
        if not address or address == (email or "").lower():
            found.setdefault(number, created_at)
    return found


def _preference_rows(
    *, company_id: int, channel: Channel, after: Cursor | None, consent: ConsentChange | None = None
):
    """(customer number, allowed, changed at) rows, read from the database in chunks.

    Without a cursor: everyone not to be contacted now. For an opt-in channel (email) that is every
    customer without an opt-in. With a cursor: every cell changed after it, in its current state, so
    a customer who allowed contact again comes with allowed=True and can be removed from the list.
    For a company that joined on consent (`consent`), the customers it asked who have not consented are
    never to be contacted, and an answer counts as a change.
    """
    if consent is not None:
        return _rows_with_consent(company_id=company_id, channel=channel, after=after, consent=consent)
    cells = Preference.objects.filter(company_id=company_id, channel=channel)
    if after is not None:
        rows = cells.filter(last_event_id__gt=after.event).order_by("last_event_id")
        return rows.values_list("policyholder__customer_number", "allowed", "updated_at").iterator(chunk_size=2000)
    if channel.default_allowed:
        rows = cells.filter(allowed=False).order_by("last_event_id")
        return rows.values_list("policyholder__customer_number", "allowed", "updated_at").iterator(chunk_size=2000)
    opted_in = cells.filter(allowed=True).values("policyholder_id")
    changed_at = cells.filter(policyholder_id=OuterRef("pk")).values("updated_at")[:1]
    rows = (
        Policyholder.objects.exclude(pk__in=opted_in)
        .annotate(changed_at=Subquery(changed_at))
        .order_by("pk")
        .values_list("customer_number", "changed_at")
    )
    return ((number, False, at) for number, at in rows.iterator(chunk_size=2000))


def _rows_with_consent(*, company_id: int, channel: Channel, after: Cursor | None, consent: ConsentChange):
    cells = Preference.objects.filter(company_id=company_id, channel=channel)
    cell = cells.filter(policyholder_id=OuterRef("pk"))
    answers = NoticeRecord.objects.filter(
        policyholder_id=OuterRef("pk"), notice_version_id=consent.version.pk, kind__in=ANSWER_KINDS
    ).order_by("-id")
    holders = Policyholder.objects.annotate(
        cell_allowed=Subquery(cell.values("allowed")[:1]),
        cell_changed_at=Subquery(cell.values("updated_at")[:1]),
        answer=Subquery(answers.values("kind")[:1]),
        answered_at=Subquery(answers.values("created_at")[:1]),
    )
    refused = Q(created_at__lt=consent.starts_at) & (Q(answer__isnull=True) | ~Q(answer=NoticeRecord.Kind.CONSENTED))
    if after is None:
        said_no = Q(cell_allowed=False)
        if not channel.default_allowed:
            said_no |= Q(cell_allowed__isnull=True)
        holders = holders.filter(said_no | refused)
    else:
        answered = NoticeRecord.objects.filter(
            notice_version_id=consent.version.pk, kind__in=ANSWER_KINDS, id__gt=after.answer
        ).values("policyholder_id")
        holders = holders.filter(
            Q(pk__in=cells.filter(last_event_id__gt=after.event).values("policyholder_id")) | Q(pk__in=answered)
        )
    rows = holders.order_by("pk").values_list(
        "customer_number", "created_at", "cell_allowed", "cell_changed_at", "answer", "answered_at"
    )
    for number, created_at, cell_allowed, cell_changed_at, answer, answered_at in rows.iterator(chunk_size=2000):
        not_consented = created_at < consent.starts_at and answer != NoticeRecord.Kind.CONSENTED
        allowed = channel.default_allowed if cell_allowed is None else cell_allowed
        changed_at = cell_changed_at
        if answered_at is not None and (changed_at is None or answered_at > changed_at):
            changed_at = answered_at
        yield number, allowed and not not_consented, changed_at
