import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_check(**env):
    environment = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ENV")}
    environment["CACHE_URL"] = "redis://127.0.0.1:6379/1"
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=environment, capture_output=True, text=True
    )


def test_production_refuses_to_start_with_the_default_secret():
    result = run_check(DJANGO_ENV="production", ALLOWED_HOSTS="portal.example.com")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = run_check(DJANGO_ENV="production", SECRET_KEY="x" * 64)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


def test_production_starts_with_both():
    result = run_check(DJANGO_ENV="production", SECRET_KEY="k" * 64, ALLOWED_HOSTS="portal.example.com")
    assert result.returncode == 0, result.stderr


def test_production_refuses_a_cache_that_only_one_server_sees():
    # Sessions and rate limits in one process's memory would log customers out, and let an attacker
    # multiply the login limit, behind a load balancer.
    result = run_check(
        DJANGO_ENV="production", SECRET_KEY="k" * 64, ALLOWED_HOSTS="portal.example.com", CACHE_URL="locmemcache://"
    )
    assert result.returncode != 0
    assert "CACHE_URL" in result.stderr


def test_a_key_prefix_in_the_cache_url_reaches_django():
    code = "from django.conf import settings; print(settings.CACHES['default']['KEY_PREFIX'])"
    environment = {**os.environ, "CACHE_URL": "redis://127.0.0.1:6379/1?key_prefix=portal-a"}
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True
    )
    assert result.stdout.strip().splitlines()[-1] == "portal-a", result.stderr


def test_production_settings_pass_the_deploy_checks_without_a_warning():
    # Not DATABASE_URL (SQLite will do) nor the browser tests' DJANGO_ALLOW_ASYNC_UNSAFE, which a
    # deployment must not have and the check refuses.
    environment = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    environment.update(
        DJANGO_ENV="production", SECRET_KEY="production-" + "k" * 60, ALLOWED_HOSTS="portal.example.com",
        CACHE_URL="redis://127.0.0.1:6379/1",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=environment, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout
