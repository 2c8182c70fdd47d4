"""What a disclosure package holds, section by section, and how an app above this one adds its own.

A section is one CSV file in the ZIP, one entry of data.json, one table of the printable report and one
part of the README. The built-in ones are in disclosure/contents.py. An app above this one (the requests
desk: requests and answers) adds its section from its AppConfig.ready, without this app importing it:

    from disclosure.sections import Column, Section, register_section

    register_section(Section(
        key="requests", order=70, title="開示等のご請求", description="…",
        columns=[Column("number", "受付番号", "…"), Column("received_at", "受付日時", "…")],
        rows=lambda policyholder: (… one dict per row, keyed by the column keys …),
    ))

`rows(policyholder)` yields one dict per row, keyed by the columns' keys; a value is a str, an int, a bool,
None, a date or a datetime (written as each file needs it: see `cell`). Iterate querysets with
`.iterator()`: the package is written row by row, so memory stays flat whatever the customer's history.
A column of evidence the printed report has no use for (a hash) says `in_report=False`: the CSV and
data.json keep it. A section whose emptiness needs explaining says why in `empty`.
Keys are file names: lower-case ASCII letters, digits and underscores, unique among the sections.
"""

import datetime
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.utils import timezone

from core.dates import wareki

KEY_FORMAT = re.compile(r"^[a-z][a-z0-9_]{0,39}\Z")


@dataclass(frozen=True)
class Column:
    key: str
    title: str  # the CSV header and the table heading, in Japanese
    description: str  # what the README says of it
    # How a bool reads in the CSV and the report: (true, false).
    labels: tuple[str, str] = ("はい", "いいえ")
    # Whether the printable report (report.html, report.pdf) shows it. Evidence a reader cannot use on
    # paper (hash values, key ids, browser strings, addresses of pages) stays in the CSV and data.json only.
    in_report: bool = True


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    description: str
    columns: list[Column]
    rows: Callable[..., Iterable[dict]] = field(compare=False)
    order: int = 100
    # What the package says when the section has no rows, where "no records" alone would leave the reader
    # guessing why (the records of provision to third parties): the report, data.json and the README say it.
    empty: str = ""

    def __post_init__(self):
        if not KEY_FORMAT.match(self.key) or self.key in ("data", "report", "readme"):
            raise ValueError(f"Section key {self.key!r}: lower-case ASCII, and not a name the package uses itself")

    @property
    def report_columns(self) -> list[Column]:
        return [column for column in self.columns if column.in_report]


_registered: dict[str, Section] = {}


def register_section(section: Section) -> None:
    """Add a section to every package built from now on (call it from AppConfig.ready)."""
    if section.key in _registered and _registered[section.key] is not section:
        raise ValueError(f"A disclosure section {section.key!r} is already registered")
    _registered[section.key] = section


def registered_sections() -> list[Section]:
    return sorted(_registered.values(), key=lambda section: (section.order, section.key))


def cell(value, column: Column, *, style: str):
    """One value as the CSV ("csv"), data.json ("json") or the printable report ("html") writes it."""
    if value is None:
        return None if style == "json" else ""
    if isinstance(value, bool):
        return value if style == "json" else column.labels[0 if value else 1]
    if isinstance(value, datetime.datetime):
        local = value.astimezone(timezone.get_default_timezone())
        if style == "json":
            return local.isoformat()
        if style == "csv":
            return local.strftime("%Y-%m-%d %H:%M:%S")
        return f"{wareki(local.date())} {local:%H:%M}"
    if isinstance(value, datetime.date):
        return wareki(value) if style == "html" else value.isoformat()
    if isinstance(value, int):
        return value
    return str(value)
