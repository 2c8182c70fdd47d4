"""Writing a disclosure package: a ZIP of one CSV per section, data.json, report.html (report.pdf when the
server can print and the package is small enough) and README.txt.

Each section's rows are read once, in one pass over the database: the CSV goes straight into the ZIP
while the same rows are appended to data.json and report.html in temporary files beside it, which go
into the ZIP at the end. Nothing holds more than a row at a time, so memory stays flat however long
the customer's history is. The file is written under a temporary name and renamed when complete, so a
worker that dies mid-build leaves no half package under a name the site would serve.
"""

import hashlib
import json
import logging
import os
import secrets
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from html import escape
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from core.spreadsheet import csv_lines
from notices import printing

from .coverage import SCOPE, company_record_rows
from .models import DisclosurePackage
from .sections import Section, cell, registered_sections

logger = logging.getLogger(__name__)

README = "README.txt"
JSON = "data.json"
HTML = "report.html"
PDF = "report.pdf"

# What the package is: the portal's own records (coverage.py says what it does not hold, and where that is).
TITLE = "プライバシーポータルの記録の開示"
NO_RECORDS = "記録はありません。"


@dataclass
class Built:
    file_name: str
    size: int
    sha256: str
    row_counts: dict[str, int]
    pdf: bool


def package_dir() -> Path:
    """DISCLOSURE_DIR, made if missing, readable by this user only."""
    directory = Path(settings.DISCLOSURE_DIR)
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    return directory


def package_path(file_name: str) -> Path:
    return Path(settings.DISCLOSURE_DIR) / file_name


class _Text:
    """Text written as UTF-8 into a binary file, a few tens of kilobytes at a time."""

    LIMIT = 64 * 1024

    def __init__(self, raw):
        self.raw, self.parts, self.length = raw, [], 0

    def write(self, text: str) -> None:
        self.parts.append(text)
        self.length += len(text)
        if self.length >= self.LIMIT:
            self.flush()

    def flush(self) -> None:
        if self.parts:
            self.raw.write("".join(self.parts).encode())
            self.parts, self.length = [], 0


def _json_row(section: Section, row: dict) -> str:
    return json.dumps({c.key: cell(row.get(c.key), c, style="json") for c in section.columns}, ensure_ascii=False)


def _html_row(columns, row: dict) -> str:
    cells = "".join(f"<td>{escape(str(cell(row.get(c.key), c, style='html')))}</td>" for c in columns)
    return f"<tr>{cells}</tr>\n"


def _html_table_head(section: Section) -> str:
    head = "".join(f'<th scope="col">{escape(c.title)}</th>' for c in section.report_columns)
    # No scrolling box around it: its cells break anywhere, so the table fits any window as it is.
    return f'<table class="records" id="t-{section.key}"><thead><tr>{head}</tr></thead><tbody>\n'


def _css_string(text: str) -> str:
    """`text` as a CSS string: quotes, backslashes, angle brackets and controls escaped, so that no title can
    end the string or the style element."""
    escaped = "".join(f"\\{ord(ch):x} " if ch in '\\"<>' or ord(ch) < 0x20 else ch for ch in text)
    return f'"{escaped}"'


def card_labels(sections: list[Section]) -> str:
    """The CSS that labels each cell of a record shown as a card on a phone with its column's title: written
    once per column in the report's head rather than once per cell, so that a long history costs nothing more."""
    rules = []
    for section in sections:
        for index, column in enumerate(section.report_columns, start=1):
            label = _css_string(column.title + "：")
            rules.append(f"#t-{section.key} td:nth-child({index})::before {{ content: {label}; }}")
    return "\n".join(rules)


def _section_rows(section: Section, policyholder, json_out: _Text, html_out: _Text, counts: dict):
    """The section's rows as CSV cells, writing each to the JSON and HTML files on the way."""
    count, columns = 0, section.report_columns
    for row in section.rows(policyholder):
        json_out.write(("," if count else "") + "\n" + _json_row(section, row))
        if not count:
            html_out.write(_html_table_head(section))
        html_out.write(_html_row(columns, row))
        count += 1
        yield [cell(row.get(c.key), c, style="csv") for c in section.columns]
    counts[section.key] = count


def _json_section_head(section: Section) -> str:
    columns = [{"key": c.key, "title": c.title, "description": c.description} for c in section.columns]
    head = {"title": section.title, "description": section.description, "columns": columns}
    # The object's closing brace left off: the rows follow.
    return f'{json.dumps(section.key)}: {json.dumps(head, ensure_ascii=False)[:-1]}, "rows": ['


def _json_section_tail(section: Section, count: int) -> str:
    # An empty section that says why it is empty says it in the evidence too.
    if count or not section.empty:
        return "}"
    return f', "statement": {json.dumps(section.empty, ensure_ascii=False)}}}'


def _write(zf: zipfile.ZipFile, name: str, source) -> None:
    with zf.open(name, "w", force_zip64=True) as entry:
        shutil.copyfileobj(source, entry, 1024 * 1024)


def package_write(package: DisclosurePackage, *, now=None) -> Built:
    """Write the package's file into DISCLOSURE_DIR and return its name, size and SHA-256."""
    with translation.override(settings.LANGUAGE_CODE):  # a worker has no request to choose the language
        return _package_write(package, now=now)


def _package_write(package: DisclosurePackage, *, now=None) -> Built:
    now = now or timezone.now()
    directory = package_dir()
    policyholder = package.policyholder
    sections = registered_sections()
    context = {
        "package": package, "policyholder": policyholder, "generated_at": now, "sections": sections,
        "contact_url": settings.SITE_URL + reverse("contact:windows"),
        "request_url": settings.SITE_URL + reverse("desk:new"),
        "retained_data_url": settings.SITE_URL + reverse("notices:retained_data"),
        "title": TITLE, "scope": SCOPE, "card_labels": card_labels(sections),
    }
    file_name = f"{secrets.token_hex(16)}.zip"
    part = directory / (file_name + ".part")
    counts: dict[str, int] = {}
    try:
        with (
            open(os.open(part, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as raw,
            zipfile.ZipFile(raw, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as zf,
            tempfile.TemporaryFile(dir=directory) as json_file,
            tempfile.TemporaryFile(dir=directory) as html_file,
        ):
            json_out, html_out = _Text(json_file), _Text(html_file)
            json_out.write(json.dumps({
                "title": TITLE,
                "scope": SCOPE,
                "generated_at": now.astimezone(timezone.get_current_timezone()).isoformat(),
                "customer_number": policyholder.customer_number,
                "request_number": package.request_number,
            }, ensure_ascii=False)[:-1] + ', "sections": {')
            html_out.write(render_to_string("disclosure/report_head.html", context))
            for index, section in enumerate(sections):
                json_out.write(("," if index else "") + "\n" + _json_section_head(section))
                html_out.write(
                    f'<section aria-labelledby="{section.key}"><h2 id="{section.key}">{escape(section.title)}</h2>\n'
                    f"<p>{escape(section.description)}</p>\n"
                )
                header = [c.title for c in section.columns]
                with zf.open(f"{section.key}.csv", "w", force_zip64=True) as entry:
                    out = _Text(entry)
                    for line in csv_lines(header, _section_rows(section, policyholder, json_out, html_out, counts)):
                        out.write(line)
                    out.flush()
                json_out.write("\n]" + _json_section_tail(section, counts[section.key]))
                if counts[section.key]:
                    html_out.write("</tbody></table>\n")
                else:
                    html_out.write(f'<p class="statement">{escape(section.empty or NO_RECORDS)}</p>\n')
                html_out.write("</section>\n")
            json_out.write("\n}, " + json.dumps({"row_counts": counts}, ensure_ascii=False)[1:] + "\n")
            html_out.write(render_to_string("disclosure/report_foot.html", context))
            json_out.flush()
            html_out.flush()
            json_file.seek(0)
            _write(zf, JSON, json_file)
            html_file.seek(0)
            _write(zf, HTML, html_file)
            # WeasyPrint holds the whole document in memory and its time grows with the rows, which a long
            # history cannot afford.
            too_large = sum(counts.values()) > settings.DISCLOSURE_PDF_MAX_ROWS
            pdf = None if too_large else _pdf(html_file)
            if pdf is not None:
                zf.writestr(PDF, pdf)
            readme = render_to_string("disclosure/readme.txt", {
                **context,
                "listing": [(section, counts[section.key]) for section in sections],
                "companies": list(company_record_rows(policyholder)),
                "pdf": pdf is not None,
                "pdf_too_large": too_large,
                "pdf_max_rows": settings.DISCLOSURE_PDF_MAX_ROWS,
            })
            zf.writestr(README, "\ufeff" + readme.replace("\n", "\r\n"))
        size, digest = _size_and_digest(part)
        os.replace(part, directory / file_name)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    return Built(file_name=file_name, size=size, sha256=digest, row_counts=counts, pdf=pdf is not None)


def _pdf(html_file) -> bytes | None:
    """The report as a PDF, if this server can print."""
    html_file.seek(0)
    try:
        return printing.html_pdf(html_file.read().decode())
    except printing.PdfUnavailable:
        return None


def _size_and_digest(path: Path) -> tuple[int, str]:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1024 * 1024):
            digest.update(chunk)
    return path.stat().st_size, digest.hexdigest()


def package_file_delete(file_name: str) -> None:
    if file_name:
        package_path(file_name).unlink(missing_ok=True)
