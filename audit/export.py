"""The audit trail as CSV for a regulator: one row per changed field, written by core.spreadsheet (UTF-8
with a BOM for Excel, every text cell safe from formula injection)."""

from collections.abc import Iterable, Iterator

from django.utils import timezone
from django.utils.translation import gettext as _

from core.spreadsheet import csv_lines

from .display import field_changes, kind_of


def _rows(entries: Iterable) -> Iterator[list]:
    for entry in entries.iterator(chunk_size=2000) if hasattr(entries, "iterator") else entries:
        common = [
            entry.pk,
            timezone.localtime(entry.timestamp).strftime("%Y-%m-%d %H:%M:%S"),
            entry.actor.get_username() if entry.actor else _("(system)"),
            kind_of(entry),
            entry.object_pk,
            entry.object_repr,
            entry.get_action_display(),
        ]
        tail = [entry.remote_addr or "", entry.cid or ""]
        for change in field_changes(entry) or [None]:
            cells = ["", "", ""] if change is None else [change.label, change.old, change.new]
            yield common + cells + tail


def entries_csv_rows(entries: Iterable) -> Iterator[str]:
    header = [
        _("Entry ID"), _("Date and time"), _("Staff member"), _("Kind of object"), _("Object ID"), _("Object"),
        _("Operation"), _("Item changed"), _("Before"), _("After"), _("IP address"), _("Request ID"),
    ]
    return csv_lines(header, _rows(entries))
