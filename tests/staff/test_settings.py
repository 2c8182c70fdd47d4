"""ADMIN_REQUIRE_OTP: always on in production; off for `make run` unless asked for."""

import subprocess

from tests.commands import PRODUCTION, last_line, manage


def shell(**env) -> subprocess.CompletedProcess:
    return manage("shell", "-c", "from django.conf import settings; print(settings.ADMIN_REQUIRE_OTP)", **env)


def require_otp(**env) -> str:
    return last_line(shell(**env))


def test_production_requires_a_second_factor():
    assert require_otp(**PRODUCTION) == "True"


def test_production_refuses_to_start_without_one():
    result = shell(**PRODUCTION, ADMIN_REQUIRE_OTP="false")
    assert result.returncode != 0
    assert "ADMIN_REQUIRE_OTP" in result.stderr


def test_development_does_not_unless_told_to():
    assert require_otp() == "False"
    assert require_otp(ADMIN_REQUIRE_OTP="true") == "True"
