import fcntl

import pytest

from tests.commands import PRODUCTION, manage
from tests.factories import PolicyholderFactory
from tests.stack import SmtpSink, Stack, require_redis


def require_postgresql() -> None:
    """CI runs the suite on PostgreSQL too, and the SQLite run (an in-memory test database that no
    second process can open) leaves these tests to it."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: set DATABASE_URL")


def collectstatic(root) -> None:
    manage("collectstatic", "--no-input", "--verbosity", "0", STATIC_ROOT=str(root), **PRODUCTION).check_returncode()


@pytest.fixture(scope="session")
def static_root(tmp_path_factory, worker_id):
    """collectstatic once a run, for servers with production settings (hashed file names from the
    manifest): some 15 s, so pytest-xdist's workers share one copy, which the first makes.

    A session fixture is set up before the tests' own: it checks for PostgreSQL itself, so that the
    SQLite run skips these tests without collecting anything.
    """
    require_postgresql()
    if worker_id == "master":  # not under pytest-xdist
        root = tmp_path_factory.mktemp("static")
        collectstatic(root)
        return root
    shared = tmp_path_factory.getbasetemp().parent  # this run's, common to its workers
    root, done = shared / "static", shared / "static.done"
    with open(shared / "static.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            collectstatic(root)
            done.touch()
    return root


@pytest.fixture
def services():
    """PostgreSQL (DATABASE_URL), as production has: several processes share the database; and Redis.

    Checked before anything is set up (see require_postgresql).
    """
    require_postgresql()
    require_redis()


@pytest.fixture
def _fast_password_hashing():
    """Not here: the app servers and workers check passwords with the settings' own hashers, so the
    passwords these tests store are hashed with them too."""


@pytest.fixture
def stack(services, transactional_db, demo_content, tmp_path, static_root):
    """Factory of app servers (gunicorn) sharing the test database, Redis and a mailbox."""
    from django.db import connection

    servers = Stack(tmp_path, connection.settings_dict, static_root=static_root)
    yield servers
    servers.stop()


@pytest.fixture
def hanako(life):
    from customers.models import Policy

    policyholder = PolicyholderFactory(name="楽天 花子", kana="ラクテン ハナコ", email="hanako@example.com")
    Policy.objects.create(policyholder=policyholder, company=life, policy_number="L-0001", product="終身医療保険")
    return policyholder


@pytest.fixture
def smtp():
    """A local SMTP server (aiosmtpd) for the workers; mail it was told to hold is let go before it stops."""
    sink = SmtpSink().start()
    yield sink
    sink.release()
    sink.stop()
