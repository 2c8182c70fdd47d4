"""manage.py totp_enroll: how the first administrator of a new installation gets a second factor."""

import io
import re
from base64 import b32decode
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests import personas

pytestmark = pytest.mark.django_db


def enroll(*args) -> str:
    out = io.StringIO()
    call_command("totp_enroll", *args, stdout=out)
    return out.getvalue()


def uri_in(output: str) -> str:
    return re.search(r"otpauth://\S+", output).group(0)


@pytest.fixture
def admin_user():
    return get_user_model().objects.create_superuser("admin", "admin@example.com", personas.PASSWORD)


@override_settings(ADMIN_REQUIRE_OTP=True)
def test_it_gives_the_user_an_app_that_logs_in_to_the_admin(client, admin_user):
    uri = uri_in(enroll("admin"))
    device = TOTPDevice.objects.get(user=admin_user)
    assert device.confirmed and device.name == "authenticator"

    parts = urlsplit(uri)
    assert (parts.netloc, parts.path) == ("totp", "/Privacy%20portal%20127.0.0.1%3Aadmin")
    secret = b32decode(parse_qs(parts.query)["secret"][0])
    assert parse_qs(parts.query)["issuer"] == ["Privacy portal 127.0.0.1"]
    # What the authenticator app computes from the URI is what the login accepts.
    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": "admin", "password": personas.PASSWORD, "otp_token": f"{totp(secret):06d}"},
    )
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_it_prints_the_key_for_typing_in(admin_user):
    output = enroll("admin", "--name", "Pixel")
    secret = parse_qs(urlsplit(uri_in(output)).query)["secret"][0]
    assert f"Secret key, to type in instead: {secret}" in output
    assert TOTPDevice.objects.get().name == "Pixel"
    assert "▄▄▄▄▄" in output  # the QR code, in the terminal


def test_a_second_device_needs_replace(admin_user):
    enroll("admin")
    first = TOTPDevice.objects.get()
    with pytest.raises(CommandError, match="--replace"):
        enroll("admin")
    assert list(TOTPDevice.objects.all()) == [first]

    enroll("admin", "--replace")
    replaced = TOTPDevice.objects.get()
    assert replaced.pk != first.pk and replaced.key != first.key


def test_it_refuses_unknown_and_non_staff_users(db):
    with pytest.raises(CommandError, match="No user named 'nobody'"):
        enroll("nobody")
    get_user_model().objects.create_user("customer", password=personas.PASSWORD)
    with pytest.raises(CommandError, match="not an active staff user"):
        enroll("customer")
    assert not TOTPDevice.objects.exists()
