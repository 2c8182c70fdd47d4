"""The admin login form: username and password, and with settings.ADMIN_REQUIRE_OTP the 確認コード
from the staff member's authenticator app (a confirmed django-otp TOTP device).

One form and one page for all three, rather than django-otp's own form, which asks for the device in
a second round trip. Every refusal gives the same message, so a wrong code does not tell an
attacker that the password was right, and counts as a failed login towards the axes lockout.
"""

import re
import unicodedata

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.signals import user_login_failed
from django.core.validators import MaxLengthValidator
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

CODE = re.compile(r"[0-9]{6,8}")


def normalize_code(value: str) -> str:
    """Full-width digits (typed with a Japanese input method) become ASCII; spaces are dropped, as
    some apps show the code as "123 456"."""
    return re.sub(r"\s", "", unicodedata.normalize("NFKC", value))


def totp_device_verify(*, user, code: str) -> TOTPDevice | None:
    """The user's confirmed TOTP device that accepts `code`, or None.

    The rows are locked, so two requests cannot both use one code; a device accepts each code once
    and throttles itself after wrong ones (django-otp).
    """
    code = normalize_code(code)
    if not CODE.fullmatch(code):
        return None
    with transaction.atomic():
        for device in TOTPDevice.objects.devices_for_user(user, confirmed=True).select_for_update():
            if len(code) == device.digits and device.verify_token(code):
                return device
    return None


class CodeInput(forms.TextInput):
    """A code is good for one login and a refused one for none: the page never shows it again."""

    def format_value(self, value):
        return None


class StaffLoginForm(AdminAuthenticationForm):
    otp_token = forms.CharField(
        label=_("Confirmation code"),
        max_length=20,
        help_text=_(
            "The 6-digit number your authenticator app shows. If no app is registered for your account, "
            "ask an administrator."
        ),
        widget=CodeInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        # Django sets the field's max_length after building it, so nothing enforces it: a longer name
        # would reach authenticate() and axes, whose attempt row (varchar 255) PostgreSQL refuses.
        username = self.fields["username"]
        username.validators.append(MaxLengthValidator(username.max_length or 150))
        if not settings.ADMIN_REQUIRE_OTP:
            del self.fields["otp_token"]
            return
        self.error_messages = {
            **self.error_messages,
            "invalid_login": _(
                "Please enter the correct %(username)s, password and confirmation code for a staff account. "
                "Note that the %(username)s and password may be case-sensitive."
            ),
        }

    def clean(self):
        # Username and password first: a wrong one is refused (and counted by axes) by Django itself.
        cleaned_data = super().clean()
        if "otp_token" not in self.fields or self.user_cache is None:
            return cleaned_data
        device = totp_device_verify(user=self.user_cache, code=cleaned_data.get("otp_token") or "")
        if device is None:
            # As typed, like Django's own signal for a wrong password, so that axes counts both alike.
            credentials = {"username": cleaned_data.get("username")}
            user_login_failed.send(sender=type(self), credentials=credentials, request=self.request)
            raise self.get_invalid_login_error()
        # django-otp keeps the device in the session when LoginView logs the user in.
        self.user_cache.otp_device = device
        return cleaned_data
