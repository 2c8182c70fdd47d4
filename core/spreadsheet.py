"""CSV for staff, as Excel reads it: UTF-8 with a BOM (so the Japanese is not mojibake), and every text cell
neutralised so that a value typed by anyone (a name, a reason) cannot run as a formula (CSV injection)."""

import csv
from collections.abc import Iterable, Iterator

from django.http import StreamingHttpResponse
from django.utils import timezone

BOM = "\ufeff"
# Excel starts a formula at any of these, half- or full-width; such a cell gets a leading apostrophe. Also
# U+2212 (−, MINUS SIGN): CP932 writes it as 0x817C, which reads back as U+FF0D (－), a formula start. It is
# the only character whose CP932 round trip becomes one (tests/portal/test_spreadsheet.py checks them all).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠", "\u2212")


def excel_safe(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class _Line:
    """csv.writer writes into this and we hand the line on."""

    def write(self, value: str) -> str:
        return value


def csv_lines(header: list[str], rows: Iterable[list]) -> Iterator[str]:
    """The lines of a CSV file, header first with the BOM; every cell passes through excel_safe."""
    writer = csv.writer(_Line())
    yield BOM + writer.writerow([excel_safe(cell) for cell in header])
    for row in rows:
        yield writer.writerow([excel_safe(cell) for cell in row])


def csv_download(lines: Iterable[str], *, name: str) -> StreamingHttpResponse:
    """The lines as a CSV file to save, named `<name>-<local date and time>.csv`, streamed as they are made."""
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}-{timezone.localtime():%Y%m%d-%H%M%S}.csv"'
    return response
