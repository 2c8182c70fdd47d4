"""Failed and successful admin logins leave no username or IP address in the log (AXES_CLIENT_STR_CALLABLE)."""

import logging

import pytest
from django.contrib.auth import get_user_model
from django.test import override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = pytest.mark.django_db

USERNAME = "yamada.taro"
PASSWORD = "a-long-staff-password-2026"
ADDRESS = "203.0.113.77"


def everything_logged(caplog) -> str:
    return "\n".join(f"{r.name} {r.getMessage()} {r.args!r}" for r in caplog.records)


def log_in(client, password, **data):
    return client.post("/admin/login/", {"username": USERNAME, "password": password, **data}, REMOTE_ADDR=ADDRESS)


@pytest.fixture
def staff_member():
    return get_user_model().objects.create_user(USERNAME, password=PASSWORD, is_staff=True)


def test_failures_a_lockout_and_a_login_log_no_username_or_address(client, caplog, staff_member):
    caplog.set_level(logging.DEBUG)
    for _ in range(5):
        log_in(client, "wrong")
    assert log_in(client, PASSWORD).status_code == 429
    client.post("/admin/login/", {"username": "sato.hanako", "password": "x"}, REMOTE_ADDR=ADDRESS)
    assert client.post("/admin/login/", {"username": USERNAME, "password": PASSWORD}, REMOTE_ADDR="192.0.2.1")

    logged = everything_logged(caplog)
    assert "AXES: Locking out path=/admin/login/" in logged  # the operator still sees what happened
    assert "AXES: Successful login by path=/admin/login/" in logged
    for personal in (USERNAME, "sato.hanako", ADDRESS, "192.0.2.1", PASSWORD):
        assert personal not in logged


@override_settings(ADMIN_REQUIRE_OTP=True)
def test_a_wrong_code_logs_no_username_address_or_code(client, caplog, staff_member):
    device = TOTPDevice.objects.create(user=staff_member, name="app", confirmed=True)
    caplog.set_level(logging.DEBUG)
    right = f"{totp(device.bin_key):06d}"
    assert log_in(client, PASSWORD, otp_token=right).status_code == 302
    client.logout()
    assert log_in(client, PASSWORD, otp_token="000000").status_code == 200

    logged = everything_logged(caplog)
    assert "AXES: New login failure by path=/admin/login/" in logged
    for personal in (USERNAME, ADDRESS, right, device.key):
        assert personal not in logged
