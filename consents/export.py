"""Consent events as CSV for staff: UTF-8 with a BOM so that Excel opens the Japanese correctly."""

import csv
from collections.abc import Iterable, Iterator

from django.utils import timezone
from django.utils.translation import gettext as _

BOM = "\ufeff"
# A cell starting with one of these is a formula in Excel (CSV injection), the full-width forms too
# (Japanese Excel takes ＝ as =); such text gets a leading quote. Every text cell goes through _text:
# company and channel names are edited by staff, user agents and reasons typed by anyone.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")


class _Line:
    """csv.writer writes into this and we hand the line on."""

    def write(self, value: str) -> str:
        return value


def _text(value) -> str:
    value = "" if value is None else str(value)
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _choice(allowed: bool) -> str:
    return _("Receive") if allowed else _("Do not receive")


def events_csv_rows(events: Iterable) -> Iterator[str]:
    writer = csv.writer(_Line())
    yield BOM + writer.writerow([
        _("Event ID"), _("Date and time"), _("Receipt number"), _("Customer number"), _("Name"),
        _("Company"), _("Channel"), _("Before"), _("After"), _("How"), _("Staff member"), _("Reason"),
        _("Notice version in force"), _("IP address"), _("User agent"), _("Idempotency key"),
        _("Hash of the previous event"), _("Hash"),
    ])
    for event in events.iterator(chunk_size=2000) if hasattr(events, "iterator") else events:
        yield writer.writerow([event.pk, *map(_text, [
            timezone.localtime(event.created_at).strftime("%Y-%m-%d %H:%M:%S"),
            event.receipt.number,
            event.policyholder.customer_number,
            event.policyholder.name,
            event.company.legal_name,
            event.channel.name,
            _choice(event.old_value),
            _choice(event.new_value),
            event.get_source_display(),
            event.actor.get_username() if event.actor else "",
            event.reason,
            event.notice_version.effective_date.isoformat() if event.notice_version else "",
            event.ip_address or "",
            event.user_agent,
            event.idempotency_key,
            event.previous_hash,
            event.hash,
        ])])
