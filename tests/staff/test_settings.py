"""ADMIN_REQUIRE_OTP: always on in production; off for `make run` unless asked for."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {"DJANGO_ENV": "production", "SECRET_KEY": "k" * 64, "ALLOWED_HOSTS": "portal.example.com"}


def shell(**env) -> subprocess.CompletedProcess:
    unset = ("DJANGO_ENV", "ADMIN_REQUIRE_OTP", "SECRET_KEY", "ALLOWED_HOSTS")
    environment = {k: v for k, v in os.environ.items() if k not in unset}
    environment.update(CACHE_URL="redis://127.0.0.1:6379/1", **env)
    code = "from django.conf import settings; print(settings.ADMIN_REQUIRE_OTP)"
    return subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True
    )


def require_otp(**env) -> str:
    result = shell(**env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_production_requires_a_second_factor():
    assert require_otp(**PRODUCTION) == "True"


def test_production_refuses_to_start_without_one():
    result = shell(**PRODUCTION, ADMIN_REQUIRE_OTP="false")
    assert result.returncode != 0
    assert "ADMIN_REQUIRE_OTP" in result.stderr


def test_development_does_not_unless_told_to():
    assert require_otp() == "False"
    assert require_otp(ADMIN_REQUIRE_OTP="true") == "True"
