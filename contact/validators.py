import re
import unicodedata

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


# Characters that change how text is laid out or read rather than being part of it: bidirectional overrides
# and isolates (which can reverse a name on screen).
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Refused by Django's own validator of every CharField already, with its own message.
NUL = "\x00"


def validate_no_control_characters(value: str) -> None:
    """A name is one line of visible text: no line breaks, tabs or other control characters."""
    if any(
        (unicodedata.category(character) == "Cc" and character != NUL) or character in BIDI_CONTROLS
        for character in value
    ):
        raise ValidationError(
            _("Enter the name on one line, without line breaks or control characters."), code="control_characters"
        )


def validate_text_controls(value: str) -> None:
    """A text may have line breaks and tabs, and no other control character."""
    if any(
        (unicodedata.category(character) == "Cc" and character not in "\r\n\t" + NUL) or character in BIDI_CONTROLS
        for character in value
    ):
        raise ValidationError(_("The text contains control characters. Remove them."), code="control_characters")
