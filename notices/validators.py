import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Effective dates outside this range are typing mistakes (0001-01-01, 9999-12-31), not plans.
EARLIEST_EFFECTIVE_DATE = datetime.date(2000, 1, 1)
LATEST_EFFECTIVE_DATE = datetime.date(2100, 12, 31)


def corporate_number_check_digit(body: str) -> int:
    """Check digit of a 法人番号 from its last 12 digits (国税庁告示: 9 - Σ(Pn×Qn) mod 9)."""
    total = sum(int(digit) * (1 if position % 2 else 2) for position, digit in enumerate(reversed(body), start=1))
    return 9 - total % 9


def validate_corporate_number(value: str) -> None:
    if len(value) != 13 or not value.isascii() or not value.isdigit():
        raise ValidationError(_("The corporate number must be 13 half-width digits."), code="format")
    if int(value[0]) != corporate_number_check_digit(value[1:]):
        raise ValidationError(_("The corporate number's check digit is wrong."), code="check_digit")


def validate_effective_date(value: datetime.date) -> None:
    if not EARLIEST_EFFECTIVE_DATE <= value <= LATEST_EFFECTIVE_DATE:
        raise ValidationError(
            _("The effective date must be between %(earliest)s and %(latest)s."),
            code="range",
            params={"earliest": EARLIEST_EFFECTIVE_DATE.isoformat(), "latest": LATEST_EFFECTIVE_DATE.isoformat()},
        )
