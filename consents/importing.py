"""Policyholders and policies from the insurers' CSV files: all rows are checked before any is written,
and the whole file is written in one transaction, so a file with one bad row changes nothing.

One row per policy; a customer with two policies appears on two rows with the same personal data.
Columns: customer_number,name,kana,email,birth_date,company,policy_number,product
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
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from notices.models import Company

from .models import Policy, Policyholder, validate_customer_number

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
EMAIL_MAX_LENGTH = Policyholder._meta.get_field("email").max_length  # 254
PERSONAL = ("name", "kana", "email", "birth_date")
KANA = re.compile(r"^[\u30a0-\u30ff\u3000 ]*\Z")  # katakana, ー, ・ and spaces
DATE = re.compile(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})\Z")


@dataclass(frozen=True)
class RowError:
    row: int  # the header is row 1
    column: str | None
    message: str

    def __str__(self):
        if self.column is None:
            return _("Row %(row)s: %(message)s") % {"row": self.row, "message": self.message}
        label = f"{COLUMNS[self.column]}（{self.column}）"
        return _("Row %(row)s, %(column)s: %(message)s") % {"row": self.row, "column": label, "message": self.message}


@dataclass
class ImportResult:
    errors: list[RowError] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    policies_created: int = 0
    policies_updated: int = 0


class ImportFileError(Exception):
    pass


def _garbled(text: str) -> bool:
    # Python's CP932 turns the bytes 0x80, 0xA0 and 0xFD-0xFF into control or private-use characters
    # instead of failing; no insurer's data contains those, so they mean a broken or mislabelled file.
    return any(
        (unicodedata.category(char) in ("Cc", "Co") and char not in "\t\r\n") or char == "\ufffd" for char in text
    )


def decode(data: bytes, encoding: str | None = None) -> str:
    """UTF-8 (with or without BOM) first, then CP932 (Shift_JIS as Windows writes it)."""
    for candidate in [encoding] if encoding else ["utf-8-sig", "cp932"]:
        try:
            text = data.decode(candidate)
        except UnicodeDecodeError:
            continue
        if not _garbled(text):
            return text
    raise ImportFileError(_("The file could not be read as UTF-8 or Shift_JIS (CP932). Save it in one of them."))


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
    def __init__(self):
        self.errors: list[RowError] = []
        self.customers: dict[str, tuple[int, dict]] = {}  # customer number -> (first row, fields)
        self.policies: dict[tuple[int, str], tuple[int, str, str]] = {}  # (company, number) -> (row, customer, product)
        self.emails: dict[str, str] = {}  # lower-case email -> customer number
        companies = Company.objects.all()
        self.companies = {c.legal_name: c for c in companies} | {c.short_name: c for c in companies}

    def error(self, row, column, message):
        self.errors.append(RowError(row, column, str(message)))

    def parse(self, text: str) -> None:
        reader = csv.DictReader(io.StringIO(text, newline=""))
        try:
            header = reader.fieldnames or []
            # Exactly the expected columns, each once: a repeated column would silently win over the other.
            if len(header) != len(COLUMNS) or set(header) != set(COLUMNS):
                self.error(1, None, _("The header must be exactly: %(columns)s") % {"columns": ",".join(COLUMNS)})
                return
            row_number = 1
            for row_number, row in enumerate(reader, start=2):
                self.parse_row(row_number, row)
            if row_number == 1:
                self.error(1, None, _("The file has no data rows."))
        except csv.Error as error:
            self.error(reader.line_num, None, _("The file is not valid CSV: %(error)s") % {"error": error})

    def parse_row(self, n: int, row: dict) -> None:
        if None in row or None in row.values():
            self.error(n, None, _("The row does not have exactly %(count)s columns.") % {"count": len(COLUMNS)})
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
        if not fields["name"]:
            self.error(n, "name", _("This column is required."))
        elif len(fields["name"]) > 100:
            self.error(n, "name", _("At most 100 characters."))
        if not KANA.match(fields["kana"]) or len(fields["kana"]) > 100:
            self.error(n, "kana", _("Write the name in katakana, at most 100 characters."))
        if len(fields["email"]) > EMAIL_MAX_LENGTH:  # validate_email allows 320; the column holds 254
            self.error(n, "email", _("An email address can have at most 254 characters."))
        elif fields["email"]:
            try:
                validate_email(fields["email"])
            except ValidationError:
                self.error(n, "email", _("This is not a valid email address."))
        try:
            fields["birth_date"] = _date(_nfkc(row["birth_date"]))
        except ValidationError as error:
            self.error(n, "birth_date", error.messages[0] + f"（{row['birth_date']}）")
        if len(self.errors) == before:
            self.check_customer(n, number, fields)
        self.parse_policy(n, number, row)

    def check_customer(self, n, number, fields):
        if number in self.customers:
            first_row, first = self.customers[number]
            if first != fields:
                self.error(n, "customer_number", _(
                    "Customer number %(number)s is on row %(row)s with different personal data."
                ) % {"number": number, "row": first_row})
            return
        self.customers[number] = (n, fields)
        email = fields["email"].lower()
        if email:
            if self.emails.setdefault(email, number) != number:
                self.error(n, "email", _("This email address is also given to customer number %(number)s.")
                           % {"number": self.emails[email]})
            elif Policyholder.objects.filter(email__iexact=email).exclude(customer_number=number).exists():
                self.error(n, "email", _("This email address belongs to another registered customer."))

    def parse_policy(self, n, number, row):
        company_name, product = row["company"].strip(), row["product"].strip()
        policy_number = _nfkc(row["policy_number"])
        if not (company_name or policy_number or product):
            return
        company = self.companies.get(company_name)
        if company is None:
            message = _("No group company has this legal or short name: %(name)s") % {"name": company_name}
            self.error(n, "company", message)
        if not policy_number or len(policy_number) > 40:
            self.error(n, "policy_number", _("Give the policy number, at most 40 characters."))
        if not product or len(product) > 200:
            self.error(n, "product", _("Give the product name, at most 200 characters."))
        if company is None or not policy_number:
            return
        key = (company.pk, policy_number)
        if key in self.policies:
            self.error(n, "policy_number", _("This policy is already on row %(row)s.") % {"row": self.policies[key][0]})
            return
        self.policies[key] = (n, number, product)
        holder = Policy.objects.filter(company=company, policy_number=policy_number).exclude(
            policyholder__customer_number=number
        ).values_list("policyholder__customer_number", flat=True).first()
        if holder:
            self.error(n, "policy_number", _("This policy belongs to customer number %(number)s.") % {"number": holder})


def _apply(parser: _Parser, result: ImportResult) -> None:
    existing = {p.customer_number: p for p in Policyholder.objects.filter(customer_number__in=parser.customers)}
    holders = {}
    for number, (_row, fields) in parser.customers.items():
        policyholder = existing.get(number)
        if policyholder is None:
            policyholder = Policyholder.objects.create(customer_number=number, **fields)
            result.created += 1
        elif any(getattr(policyholder, name) != value for name, value in fields.items()):
            for name, value in fields.items():
                setattr(policyholder, name, value)
            policyholder.save()
            result.updated += 1
        else:
            result.unchanged += 1
        holders[number] = policyholder
    stored = {
        (p.company_id, p.policy_number): p
        for p in Policy.objects.filter(
            Q(policyholder__in=holders.values()) | Q(policy_number__in=[k[1] for k in parser.policies])
        )
    }
    for (company_id, policy_number), (_row, number, product) in parser.policies.items():
        policy = stored.get((company_id, policy_number))
        if policy is None:
            Policy.objects.create(
                policyholder=holders[number], company_id=company_id, policy_number=policy_number, product=product
            )
            result.policies_created += 1
        elif policy.product != product:
            policy.product = product
            policy.save(update_fields=["product"])
            result.policies_updated += 1


def policyholders_import(*, data: bytes, dry_run: bool = False, encoding: str | None = None) -> ImportResult:
    """Check every row, then upsert policyholders by customer number and policies by company and number.

    Any error: nothing is written and the errors name their row and column. `dry_run` checks and counts
    inside a transaction that is rolled back, so it also meets the database's own constraints.
    """
    result = ImportResult()
    try:
        text = decode(data, encoding)
    except ImportFileError as error:
        result.errors.append(RowError(1, None, str(error)))
        return result
    parser = _Parser()
    parser.parse(text)
    if parser.errors:
        result.errors = parser.errors
        return result
    try:
        with transaction.atomic():
            _apply(parser, result)
            if dry_run:
                transaction.set_rollback(True)
    except DatabaseError as error:  # a constraint or a value the checks above missed: a message, not a traceback
        message = _("The database refused the file: %(error)s") % {"error": error}
        return ImportResult(errors=[RowError(1, None, message)])
    return result
