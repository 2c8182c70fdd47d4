import re

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

# 0 + area or service code, then two more groups: 03-1234-5678, 0120-123-456, 090-1234-5678.
PHONE_NUMBER = re.compile(r"0\d{1,4}-\d{1,4}-\d{3,4}")
POSTAL_CODE = re.compile(r"\d{3}-\d{4}")


def validate_phone_number(value: str) -> None:
    digits = value.replace("-", "")
    if not PHONE_NUMBER.fullmatch(value) or len(digits) not in (10, 11):
        raise ValidationError(
            _("Enter a Japanese phone number of 10 or 11 half-width digits with hyphens, like 03-1234-5678."),
            code="format",
        )


def validate_postal_code(value: str) -> None:
    if not POSTAL_CODE.fullmatch(value):
        raise ValidationError(_("Enter the postal code as 3 and 4 half-width digits, like 158-0094."), code="format")


# A customer's browser opens the form: only an encrypted page. A code of its own, or the admin form would
# show its generic "invalid" message instead.
validate_https_url = URLValidator(
    schemes=["https"], message=_("Enter an address that starts with https://."), code="https_only"
)
