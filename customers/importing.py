"""Policyholders and policies from the insurers' CSV files: all rows are checked before any is written,
and the whole file is written in one transaction, so a file with one bad row changes nothing.

One row per policy; a customer with two policies appears on two rows with the same personal data.
Columns: customer_number,name,kana,email,birth_date,company,policy_number,product, and optionally the
postal address: postal_code,address1,address2 (a file without them leaves stored addresses as they are).
"""

import csv
import datetime
import io
import re
import unicodedata
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.dbtimeouts import lift_statement_timeout
from notices.models import Company

from .csvencoding import EncodingError, decode
from .models import Policy, Policyholder, email_key, validate_customer_number, validate_postal_code

COLUMNS = {
    "customer_number": gettext_lazy("Customer number"),
    "name": gettext_lazy("Name"),
    "kana": gettext_lazy("Name in kana"),
    "email": gettext_lazy("Email address"),
    "birth_date": gettext_lazy("Date of birth"),
    "company": gettext_lazy("Company"),
    "policy_number": gettext_lazy("Policy number"),
    "product": gettext_lazy("Product"),
}
ADDRESS_COLUMNS = {
    "postal_code": gettext_lazy("Postal code"),
    "address1": gettext_lazy("Address (prefecture, city, street)"),
    "address2": gettext_lazy("Address (building, room)"),
}
LABELS = {**COLUMNS, **ADDRESS_COLUMNS}
PERSONAL = ("name", "kana", "email", "birth_date")
POSTAL_CODE = re.compile(r"^(\d{3})-?(\d{4})\Z")
KANA = re.compile(r"^[\u30a0-\u30ff\u3000 ]*\Z")  # katakana, ー, ・ and spaces
DATE = re.compile(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})\Z")
# Rows per query when the file is checked against the database and written: a handful of queries for
# 50,000 rows, each short enough for the statement timeout and for SQLite's limit on parameters.
CHUNK = 2000


# C0 controls but tab and line breaks, and DEL.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _max_length(model, name: str) -> int:
    return model._meta.get_field(name).max_length


def _chunks(items: list) -> list[list]:
    return [items[start:start + CHUNK] for start in range(0, len(items), CHUNK)]


@dataclass(frozen=True)
class RowError:
    row: int  # the header is row 1
    column: str | None
    message: str

    def __str__(self):
        if self.column is None:
            return _("Row %(row)s: %(message)s") % {"row": self.row, "message": self.message}
        label = f"{LABELS[self.column]}（{self.column}）"
        return _("Row %(row)s, %(column)s: %(message)s") % {"row": self.row, "column": label, "message": self.message}


@dataclass
class ImportResult:
    errors: list[RowError] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    policies_created: int = 0
    policies_updated: int = 0


def _nfkc(value: str) -> str:
    # Full-width digits and letters become half-width; half-width katakana becomes full-width.
    return unicodedata.normalize("NFKC", value).strip()


def _date(value: str) -> datetime.date | None:
    if not value:
        return None
    match = DATE.match(value)
    try:
        if not match:
            raise ValueError(value)
        date = datetime.date(*(int(part) for part in match.groups()))
    except ValueError:
        raise ValidationError(_("Give the date as YYYY-MM-DD, for example 1985-04-01.")) from None
    if not datetime.date(1900, 1, 1) <= date <= datetime.date.today():
        raise ValidationError(_("The date of birth is not a possible one."))
    return date


class _Parser:
    """Checks every row in memory; what the database must confirm (an address or a policy of another
    customer) is collected and checked afterwards in a few set-based queries."""

    def __init__(self):
        self.errors: list[RowError] = []
        self.customers: dict[str, tuple[int, dict]] = {}  # customer number -> (first row, fields)
        self.policies: dict[tuple[int, str], tuple[int, str, str]] = {}  # (company, number) -> (row, customer, product)
        self.emails: dict[str, tuple[int, str]] = {}  # email_key -> (first row, customer number)
        companies = Company.objects.all()
        self.companies = {c.legal_name: c for c in companies} | {c.short_name: c for c in companies}
        self.with_address = False
        self.limits = {
            "address1": _max_length(Policyholder, "address1"),
            "address2": _max_length(Policyholder, "address2"),
            "name": _max_length(Policyholder, "name"),
            "kana": _max_length(Policyholder, "kana"),
            "email": _max_length(Policyholder, "email"),
            "policy_number": _max_length(Policy, "policy_number"),
            "product": _max_length(Policy, "product"),
        }

    def error(self, row, column, message):
        self.errors.append(RowError(row, column, str(message)))

    def parse(self, text: str) -> None:
        reader = csv.DictReader(io.StringIO(text, newline=""))
        row_number = 1
        try:
            header = reader.fieldnames or []
            # Exactly the expected columns, each once: a repeated column would silently win over the other.
            self.with_address = set(header) == set(LABELS)
            if len(header) != len(set(header)) or set(header) not in (set(COLUMNS), set(LABELS)):
                self.error(1, None, _("The header must be exactly: %(columns)s") % {"columns": ",".join(COLUMNS)}
                           + _(" (optionally followed by %(address)s)") % {"address": ",".join(ADDRESS_COLUMNS)})
                return
            for row_number, row in enumerate(reader, start=2):
                self.parse_row(row_number, row)
            if row_number == 1:
                self.error(1, None, _("The file has no data rows."))
        except csv.Error:
            # The record after the last one read (a line count would be off after a field with line breaks);
            # the csv module's own message is English and says no more.
            self.error(row_number + 1, None, _("This row cannot be read as CSV: check its quotation marks."))
            return
        if not self.errors:
            self.check_against_database()
        self.errors.sort(key=lambda error: error.row)

    def parse_row(self, n: int, row: dict) -> None:
        if None in row or None in row.values():
            self.error(n, None, _("The row does not have exactly %(count)s columns.") % {"count": len(COLUMNS)})
            return
        # PostgreSQL cannot store a NUL, and no other control character belongs in these fields (a line
        # break within a quoted address aside).
        controls = [column for column, value in row.items() if CONTROL.search(value)]
        for column in controls:
            self.error(n, column, _("Contains a control character (such as NUL). Remove it."))
        if controls:
            return
        before = len(self.errors)
        number = _nfkc(row["customer_number"])
        try:
            validate_customer_number(number)
        except ValidationError as error:
            self.error(n, "customer_number", error.messages[0])
        fields = {
            "name": row["name"].strip(),
            "kana": _nfkc(row["kana"]),
            "email": _nfkc(row["email"]),
            "birth_date": None,
        }
        limits = self.limits
        if not fields["name"]:
            self.error(n, "name", _("This column is required."))
        elif len(fields["name"]) > limits["name"]:
            self.error(n, "name", _("At most %(limit)s characters.") % {"limit": limits["name"]})
        if not KANA.match(fields["kana"]) or len(fields["kana"]) > limits["kana"]:
            self.error(n, "kana", _("Write the name in katakana, at most %(limit)s characters.")
                       % {"limit": limits["kana"]})
        if len(fields["email"]) > limits["email"]:  # validate_email allows 320; the column holds fewer
            self.error(n, "email", _("An email address can have at most %(limit)s characters.")
                       % {"limit": limits["email"]})
        elif fields["email"]:
            try:
                validate_email(fields["email"])
            except ValidationError:
                self.error(n, "email", _("This is not a valid email address."))
        try:
            fields["birth_date"] = _date(_nfkc(row["birth_date"]))
        except ValidationError as error:
            self.error(n, "birth_date", error.messages[0] + f"（{row['birth_date']}）")
        if self.with_address:
            self.parse_address(n, row, fields)
        if len(self.errors) == before:
            self.check_customer(n, number, fields)
        self.parse_policy(n, number, row)

    def parse_address(self, n: int, row: dict, fields: dict) -> None:
        # Digits and hyphens half-width (NFKC), 1234567 written as 123-4567; the address as written.
        postal_code = _nfkc(row["postal_code"]).replace("ー", "-").replace("−", "-")
        match = POSTAL_CODE.match(postal_code)
        fields["postal_code"] = f"{match[1]}-{match[2]}" if match else postal_code
        fields["address1"], fields["address2"] = row["address1"].strip(), row["address2"].strip()
        if fields["postal_code"]:
            try:
                validate_postal_code(fields["postal_code"])
            except ValidationError as error:
                self.error(n, "postal_code", error.messages[0])
        for name in ("address1", "address2"):
            if len(fields[name]) > self.limits[name]:
                self.error(n, name, _("At most %(limit)s characters.") % {"limit": self.limits[name]})
        if bool(fields["postal_code"]) != bool(fields["address1"]):
            self.error(n, "postal_code" if not fields["postal_code"] else "address1", _(
                "Give both the postal code and the address, or neither."
            ))

    def check_customer(self, n, number, fields):
        if number in self.customers:
            first_row, first = self.customers[number]
            if first != fields:
                self.error(n, "customer_number", _(
                    "Customer number %(number)s is on row %(row)s with different personal data."
                ) % {"number": number, "row": first_row})
            return
        self.customers[number] = (n, fields)
        key = email_key(fields["email"])
        if key:
            first_row, owner = self.emails.setdefault(key, (n, number))
            if owner != number:
                self.error(n, "email", _("This email address is also given to customer number %(number)s.")
                           % {"number": owner})

    def parse_policy(self, n, number, row):
        company_name, product = row["company"].strip(), row["product"].strip()
        policy_number = _nfkc(row["policy_number"])
        if not (company_name or policy_number or product):
            return
        company = self.companies.get(company_name)
        if company is None:
            message = _("No group company has this legal or short name: %(name)s") % {"name": company_name}
            self.error(n, "company", message)
        limits = self.limits
        if not policy_number or len(policy_number) > limits["policy_number"]:
            self.error(n, "policy_number", _("Give the policy number, at most %(limit)s characters.")
                       % {"limit": limits["policy_number"]})
        if not product or len(product) > limits["product"]:
            self.error(n, "product", _("Give the product name, at most %(limit)s characters.")
                       % {"limit": limits["product"]})
        if company is None or not policy_number:
            return
        key = (company.pk, policy_number)
        if key in self.policies:
            self.error(n, "policy_number", _("This policy is already on row %(row)s.") % {"row": self.policies[key][0]})
            return
        self.policies[key] = (n, number, product)

    def check_against_database(self) -> None:
        """Addresses and policies that belong to another registered customer, in chunks of CHUNK rows."""
        for keys in _chunks(list(self.emails)):
            for key, owner in Policyholder.objects.filter(email_key__in=keys).values_list(
                "email_key", "customer_number"
            ):
                row, number = self.emails[key]
                if owner != number:
                    self.error(row, "email", _("This email address belongs to another registered customer."))
        for keys in _chunks(list(self.policies)):
            stored = Policy.objects.filter(policy_number__in={number for _company, number in keys}).values_list(
                "company_id", "policy_number", "policyholder__customer_number"
            )
            for company_id, policy_number, holder in stored:
                listed = self.policies.get((company_id, policy_number))
                if listed is not None and listed[1] != holder:
                    self.error(listed[0], "policy_number", _("This policy belongs to customer number %(number)s.")
                               % {"number": holder})


def _apply(parser: _Parser, result: ImportResult) -> None:
    """Upsert in bulk: one query per CHUNK rows to read, to insert and to update."""
    now = timezone.now()
    holders: dict[str, Policyholder] = {}
    new, changed = [], []
    for numbers in _chunks(list(parser.customers)):
        existing = {p.customer_number: p for p in Policyholder.objects.filter(customer_number__in=numbers)}
        for number in numbers:
            fields = parser.customers[number][1]
            policyholder = existing.get(number)
            if policyholder is None:
                policyholder = Policyholder(customer_number=number, created_at=now, updated_at=now, **fields)
                new.append(policyholder)
            elif any(getattr(policyholder, name) != value for name, value in fields.items()):
                for name, value in fields.items():
                    setattr(policyholder, name, value)
                policyholder.updated_at = now
                changed.append(policyholder)
            else:
                result.unchanged += 1
            holders[number] = policyholder
    personal = [*PERSONAL, *(ADDRESS_COLUMNS if parser.with_address else ())]
    Policyholder.objects.bulk_update(changed, [*personal, "updated_at"], batch_size=CHUNK)
    Policyholder.objects.bulk_create(new, batch_size=CHUNK)
    result.created, result.updated = len(new), len(changed)

    new_policies, changed_policies = [], []
    for keys in _chunks(list(parser.policies)):
        stored = {
            (p.company_id, p.policy_number): p
            for p in Policy.objects.filter(policy_number__in={number for _company, number in keys})
        }
        for key in keys:
            _row, number, product = parser.policies[key]
            policy = stored.get(key)
            if policy is None:
                company_id, policy_number = key
                new_policies.append(Policy(
                    policyholder=holders[number], company_id=company_id, policy_number=policy_number, product=product
                ))
            elif policy.product != product:
                policy.product = product
                changed_policies.append(policy)
    Policy.objects.bulk_create(new_policies, batch_size=CHUNK)
    Policy.objects.bulk_update(changed_policies, ["product"], batch_size=CHUNK)
    result.policies_created, result.policies_updated = len(new_policies), len(changed_policies)


def policyholders_import(*, data: bytes, dry_run: bool = False, encoding: str | None = None) -> ImportResult:
    """Check every row, then upsert policyholders by customer number and policies by company and number.

    Any error: nothing is written and the errors name their row and column. `dry_run` checks and counts
    inside a transaction that is rolled back, so it also meets the database's own constraints.
    """
    result = ImportResult()
    try:
        text = decode(data, encoding)
    except EncodingError as error:
        result.errors.append(RowError(error.row, None, str(error)))
        return result
    parser = _Parser()
    parser.parse(text)
    if parser.errors:
        result.errors = parser.errors
        return result
    try:
        with transaction.atomic():
            lift_statement_timeout()  # a large file's inserts may take longer than a request may
            _apply(parser, result)
            if dry_run:
                transaction.set_rollback(True)
    except DatabaseError as error:  # a constraint or a value the checks above missed: a message, not a traceback
        # The class only: PostgreSQL's own text is English and may quote a row's data.
        message = _("The database refused the file (%(error)s); nothing was imported.") % {
            "error": type(error).__name__}
        return ImportResult(errors=[RowError(1, None, message)])
    return result
