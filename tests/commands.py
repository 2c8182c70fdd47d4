"""manage.py in a fresh process: for what only start-up shows (settings read from the environment,
production refusals, the deploy checks)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Left out of the child's environment, so that it starts from the defaults: what the deployment
# sets, the test run's database, and the browser tests' DJANGO_ALLOW_ASYNC_UNSAFE (which a
# deployment must not have and check --deploy refuses).
UNSET = (
    "DJANGO_ENV", "SECRET_KEY", "ALLOWED_HOSTS", "CONSENT_CHAIN_KEY", "ADMIN_REQUIRE_OTP", "DATABASE_URL",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
)
# Enough for production settings to start.
PRODUCTION = {
    "DJANGO_ENV": "production", "SECRET_KEY": "production-" + "k" * 60, "ALLOWED_HOSTS": "portal.example.com",
    "CONSENT_CHAIN_KEY": "test:" + "c" * 40,
}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {key: value for key, value in os.environ.items() if key not in UNSET}
    # Production requires Redis; nothing here connects to it unless the command uses the cache.
    environment["CACHE_URL"] = "redis://127.0.0.1:6379/1"
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True, text=True
    )


def last_line(result: subprocess.CompletedProcess) -> str:
    """What `manage.py shell -c` printed last (the shell prints its own banner first)."""
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]
