"""Consent events as CSV for staff: UTF-8 with a BOM so that Excel opens the Japanese correctly."""

from collections.abc import Iterable, Iterator

from django.utils import timezone
from django.utils.translation import gettext as _

from core.spreadsheet import csv_lines


def _choice(allowed: bool) -> str:
    return _("Receive") if allowed else _("Do not receive")


def events_csv_rows(events: Iterable) -> Iterator[str]:
    """One line per event, every cell safe from formula injection (core/spreadsheet.py)."""
    header = [
        _("Event ID"), _("Date and time"), _("Receipt number"), _("Customer number"), _("Name"),
        _("Company"), _("Channel"), _("Before"), _("After"), _("How"), _("Staff member"), _("Reason"),
        _("Notice version in force"), _("IP address"), _("User agent"), _("Idempotency key"),
        _("Hash of the previous event"), _("Hash"),
    ]
    rows = (
        [
            event.pk,
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
        ]
        for event in (events.iterator(chunk_size=2000) if hasattr(events, "iterator") else events)
    )
    return csv_lines(header, rows)
