"""Reads behind the API: who may be contacted, and who must be left out, for one company and channel."""

import datetime
from dataclasses import dataclass

from django.core import signing
from django.db import connection
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from consents.models import Channel, ConsentEvent, Policyholder, Preference, Receipt
from core.memo import process_memo

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
    *, company_id: int, channel: Channel, customer_numbers: list[str]
) -> tuple[list[Permission], list[str]]:
    """The permission of each known customer (in the order given) and the numbers we do not know.

    One query whatever the number of customers: each policyholder with its cell for this company
    and channel, if there is one. Written in SQL because this is the hottest read of the API and
    building the equivalent ORM query costs more than running it.
    """
    numbers = list(dict.fromkeys(customer_numbers))
    rows = {}
    with connection.cursor() as cursor:
        cursor.execute(_PERMISSIONS_SQL.format(placeholders=", ".join(["%s"] * len(numbers))),
                       [company_id, channel.pk, *numbers])
        for number, allowed, since, event_id, receipt, source in cursor.fetchall():
            rows[number] = (allowed, since, event_id, receipt, source)
    found, missing = [], []
    for number in numbers:
        row = rows.get(number)
        if row is None:
            missing.append(number)
            continue
        allowed, since, event_id, receipt, source = row
        found.append(Permission(
            number,
            channel.default_allowed if allowed is None else bool(allowed),
            _as_datetime(since),
            event_id,
            receipt,
            source,
        ))
    return found, missing


# Table names come from the models; every value is a parameter.
_PERMISSIONS_SQL = f"""
    SELECT holder.customer_number, cell.allowed, cell.updated_at, cell.last_event_id, receipt.number, event.source
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


def cursor_issue(*, company_id: int, channel: Channel) -> str:
    horizon = timezone.now() - CURSOR_GRACE
    last = ConsentEvent.objects.filter(created_at__lt=horizon).order_by("-id").values_list("id", flat=True).first()
    return signing.dumps({"event": last or 0, "company": company_id, "channel": channel.code}, salt=CURSOR_SALT)


def cursor_read(cursor: str, *, company_id: int, channel: Channel) -> int:
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
    return data["event"]


def do_not_contact_rows(*, company_id: int, channel: Channel, after_event: int | None):
    """(customer number, allowed, changed at) rows, read from the database in chunks.

    Without a cursor: everyone not to be contacted now. For an opt-in channel (email) that is every
    customer without an opt-in. With a cursor: every cell changed after it, in its current state, so
    a customer who allowed contact again comes with allowed=True and can be removed from the list.
    """
    cells = Preference.objects.filter(company_id=company_id, channel=channel)
    if after_event is not None:
        rows = cells.filter(last_event_id__gt=after_event).order_by("last_event_id")
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
