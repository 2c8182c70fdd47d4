"""Inbound changes from a CSV file (an email platform's unsubscribe export, a batch of scanned reply cards), read
with the policyholder import's encodings and refusals (customers/csvencoding.py): one encoding per file, UTF-8 or
CP932, a file mixing them or garbled refused with the row named. Every row is checked before any is written, and
the whole file is recorded in one transaction through relay.inbound: a file with one bad row changes nothing.

Columns (a header row, exactly these, in any order):
key,customer_number,company,channel,allowed,suppression,occurred_at,capture,operator,evidence,reason
"""

import csv
import datetime
import io
import unicodedata
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from customers.csvencoding import EncodingError, decode
from customers.importing import RowError
from notices.models import Company

from .inbound import InboundItem, InboundRefused, InboundResult, inbound_record
from .models import InboundChange

COLUMNS = [
    "key", "customer_number", "company", "channel", "allowed", "suppression", "occurred_at", "capture", "operator",
    "evidence", "reason",
]
# As many as an API batch: the file is recorded within the request, which must end well inside gunicorn's 30 s.
MAX_ROWS = 1000
TRUE = {"true", "1", "yes", "受け取る", "可"}
FALSE = {"false", "0", "no", "受け取らない", "不可", "停止"}


@dataclass
class InboundImportResult:
    errors: list[str] = field(default_factory=list)
    results: list[InboundResult] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for result in self.results if result.change.status == status and not result.repeated)

    @property
    def repeated(self) -> int:
        return sum(1 for result in self.results if result.repeated)


def _nfkc(value: str | None) -> str:
    return unicodedata.normalize("NFKC", value or "").strip()


def _occurred_at(value: str) -> datetime.datetime:
    """ISO 8601 or "YYYY-MM-DD HH:MM[:SS]"; a time without an offset is Japan time, as the group's files write it."""
    parsed = parse_datetime(value.replace("/", "-"))
    if parsed is None:
        raise ValueError(value)
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, timezone.get_default_timezone())
    return parsed


def _row_item(n: int, row: dict, companies: dict) -> tuple[InboundItem | None, list[RowError]]:
    errors = []
    company = companies.get(_nfkc(row["company"]))
    if company is None:
        errors.append(RowError(n, None, _("Unknown company: %(company)s") % {"company": row["company"]}))
    allowed_text = _nfkc(row["allowed"]).lower()
    allowed = True if allowed_text in TRUE else False if allowed_text in FALSE else None
    if allowed_text and allowed is None:
        errors.append(RowError(n, None, _("allowed must be true or false (受け取る／受け取らない).")))
    try:
        occurred_at = _occurred_at(_nfkc(row["occurred_at"]))
    except ValueError:
        errors.append(RowError(n, None, _("Give occurred_at as 2026-11-01 10:15 or 2026-11-01T10:15:00+09:00.")))
        occurred_at = None
    if errors:
        return None, errors
    item = InboundItem(
        key=_nfkc(row["key"]), customer=_nfkc(row["customer_number"]), company=company.pk,
        channel=_nfkc(row["channel"]) or None, occurred_at=occurred_at, capture=_nfkc(row["capture"]),
        allowed=allowed, suppression=_nfkc(row["suppression"]), operator=(row["operator"] or "").strip(),
        evidence=(row["evidence"] or "").strip(), reason=(row["reason"] or "").strip(),
    )
    return item, []


def inbound_import(*, data: bytes, actor, encoding: str | None = None) -> InboundImportResult:
    """Record every row of the file, or none: the errors name their row (the header is row 1)."""
    result = InboundImportResult()
    try:
        text = decode(data, encoding)
    except EncodingError as error:
        result.errors.append(str(RowError(error.row, None, str(error))))
        return result
    reader = csv.DictReader(io.StringIO(text, newline=""))
    companies = {}
    for company in Company.objects.all():
        companies.update({company.legal_name: company, company.short_name: company, str(company.pk): company})
    items, rows = [], []
    try:
        header = reader.fieldnames or []
        if len(header) != len(set(header)) or set(header) != set(COLUMNS):
            result.errors.append(str(RowError(1, None, _("The header must be exactly: %(columns)s")
                                              % {"columns": ",".join(COLUMNS)})))
            return result
        for n, row in enumerate(reader, start=2):
            if None in row or None in row.values():
                result.errors.append(str(RowError(n, None, _("The row does not have exactly %(count)s columns.")
                                                  % {"count": len(COLUMNS)})))
                continue
            item, errors = _row_item(n, row, companies)
            result.errors.extend(str(error) for error in errors)
            if item is not None:
                items.append(item)
                rows.append(n)
            if n > MAX_ROWS + 1:
                result.errors.append(str(RowError(n, None, _(
                    "A file may hold up to %(count)s rows: split it into several files."
                ) % {"count": MAX_ROWS})))
                break
    except csv.Error as error:
        result.errors.append(str(RowError(reader.line_num, None, _("The file is not valid CSV: %(error)s")
                                          % {"error": error})))
    if not result.errors and not items:
        result.errors.append(str(RowError(1, None, _("The file has no data rows."))))
    if result.errors:
        return result
    try:
        batch = inbound_record(origin=InboundChange.Origin.IMPORT, sender="import", items=items, actor=actor)
    except InboundRefused as refusal:
        row = rows[refusal.index] if refusal.index is not None else 1
        result.errors.append(str(RowError(row, None, refusal.message)))
        return result
    result.results = batch.results
    return result
