import unicodedata

from django import forms
from django.utils.translation import gettext_lazy as _


class FullWidthTolerantEmailField(forms.EmailField):
    """A Japanese keyboard often types the address in full width (ｈａｎａｋｏ＠ｅｘａｍｐｌｅ．ｃｏｍ): NFKC
    turns it into the ASCII address before it is checked."""

    def to_python(self, value):
        return super().to_python(unicodedata.normalize("NFKC", value) if isinstance(value, str) else value)


class LoginForm(forms.Form):
    email = FullWidthTolerantEmailField(
        label=_("Email address"),
        max_length=254,
        help_text=_("The address registered with your insurance contract."),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "inputmode": "email"}),
        error_messages={
            "required": _("Enter your email address."),
            "invalid": _("Enter the email address in the form name@example.com."),
        },
    )
