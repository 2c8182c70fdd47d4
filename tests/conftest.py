import importlib
import os
import shutil
from unittest import mock

import pytest
from django.core.management import call_command

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def demo_content(db):
    call_command("load_demo_content", "--no-accounts", verbosity=0)


@pytest.fixture
def life(demo_content):
    """楽天生命保険, a marketing company of the demo group."""
    from notices.models import Company

    return Company.objects.get(short_name="楽天生命")


@pytest.fixture
def nonlife(demo_content):
    from notices.models import Company

    return Company.objects.get(short_name="楽天損保")


@pytest.fixture(autouse=True)
def _checkpoint_dir(settings, tmp_path):
    # Consent checkpoints of this test only, never the checkout's own (make run).
    settings.CONSENT_CHECKPOINT_DIR = tmp_path / "checkpoints"
    # Agents' documents of this test only, never the checkout's own var/ (make run).
    settings.REQUEST_DOCUMENT_DIR = tmp_path / "request-documents"


@pytest.fixture(autouse=True)
def _disclosure_dir(settings, tmp_path):
    # Disclosure packages of this test only, never the checkout's own (make run).
    settings.DISCLOSURE_DIR = tmp_path / "disclosures"
    # No PDF (seconds each): the tests of the PDF ask for one.
    settings.DISCLOSURE_PDF_MAX_ROWS = 0


@pytest.fixture(autouse=True)
def _tasks_run_at_once(settings):
    """Tasks run when enqueued, inside the enqueuing transaction, so that a test sees their effects
    (mail.outbox) at once. Tests of the queue itself use the `database_tasks` fixture."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """A password hashed in a millisecond instead of PBKDF2's second (on 2 cores): every staff user a
    test makes and every login it tries hashes one, and no test is about the hash itself.
    tests/production, whose servers check passwords in other processes, keeps the real hashers."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def database_tasks(settings, db):
    """Tasks stored in the database, as in production; `run_queued_tasks()` runs what is due."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend", "QUEUES": ["default"]}}


class SentWhenRead(list):
    """`mail.outbox` as a test reads it: what the workers have sent by then. Reading it first runs a worker's
    pass over the rows that are due (core.jobs: the emails, the packages, the campaigns' batches) in this
    process, so a test sees the email its change queued without starting a worker."""

    passing = False

    def _worker_pass(self):
        if not SentWhenRead.passing:
            from core.jobs import jobs_run_due

            SentWhenRead.passing = True
            try:
                while jobs_run_due():
                    pass
            finally:
                SentWhenRead.passing = False

    def __len__(self):
        self._worker_pass()
        return super().__len__()

    def __getitem__(self, index):
        self._worker_pass()
        return super().__getitem__(index)

    def __iter__(self):
        self._worker_pass()
        return super().__iter__()

    def clear(self):
        """Forget what has been sent so far."""
        self._worker_pass()
        super().clear()


@pytest.fixture(autouse=True)
def _outbox_sent_when_read(request, _dj_autoclear_mailbox):
    from django.core import mail

    database = [name for name in ("transactional_db", "db") if name in request.fixturenames]
    if request.node.get_closest_marker("django_db") or database:
        # After the database fixture, whose test case set-up starts an empty outbox of its own.
        request.getfixturevalue(database[0] if database else "_django_db_helper")
        mail.outbox = SentWhenRead()
        yield
        mail.outbox = []
    else:
        yield


def sent() -> list:
    """What the mail server has received, without running a worker's pass first."""
    from django.core import mail

    return list.copy(mail.outbox)


def run_due_jobs() -> int:
    """A worker's pass over the rows that are due, in this process (core.jobs). Returns how many ran."""
    from core.jobs import jobs_run_due

    ran = 0
    while passed := jobs_run_due():
        ran += passed
    return ran


def run_queued_tasks() -> None:
    """A worker's pass over the queue, in this process: every task that is due, then return."""
    from django_tasks_db.management.commands import db_worker

    # The worker closes its connection between tasks (autocommit is off inside a test's transaction),
    # which would end the test's transaction on PostgreSQL.
    with mock.patch.object(db_worker, "close_old_connections"):
        db_worker.Worker(
            queue_names=["default"], interval=0, batch=True, backend_name="default", startup_delay=False,
            max_tasks=None, worker_id="test", excluded_queue_names=[],
        ).run()


@pytest.fixture(autouse=True)
def _clear_cache():
    # Rate limits and page caches live in the cache; no test may see another's.
    from django.core.cache import cache

    from core.memo import clear_process_memos
    from core.pagecache import reset_local_page_cache

    cache.clear()
    reset_local_page_cache()
    clear_process_memos()
    yield
    cache.clear()
    reset_local_page_cache()
    clear_process_memos()


@pytest.fixture(scope="session")
def browser():
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        if os.environ.get("CI") == "true":
            pytest.fail(f"Chromium is required in CI but {CHROMIUM} is missing.")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium).")
    # Playwright's sync API runs an event loop in this thread; the live server's ORM calls are
    # synchronous and happen in their own thread, so Django's async guard does not apply to them.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page_at(browser):
    """page_at(width) -> a fresh page of that viewport width (375 for a phone, 1280 for a desktop)."""
    contexts = []

    def open_page(width: int = 375):
        context = browser.new_context(viewport={"width": width, "height": 900}, locale="ja-JP")
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def assert_accessible():
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()

    def check(page):
        results = axe.run(page)
        assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"

    return check


@pytest.fixture(autouse=True)
def _seeded_channels(request, django_db_blocker):
    """A transactional test flushes every table when it ends, the channels a migration seeds too;
    the next transactional test (browser pages, concurrency) gets them back here."""
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker and marker.kwargs.get("transaction")) or {"transactional_db", "live_server"} & set(
        request.fixturenames
    )
    if transactional:
        from django.apps import apps

        create_channels = importlib.import_module("consents.migrations.0002_channels").create_channels
        with django_db_blocker.unblock():
            create_channels(apps, None)


@pytest.fixture(autouse=True, scope="session")
def _flush_may_empty_published_versions():
    """SQLite empties tables with DELETE between transactional tests, which the immutability triggers
    refuse for published versions; the flush alone may pass them: while it runs, the function the triggers
    ask on its connection (notices/immutability.py) answers 0."""
    from django.core.management.commands import flush
    from django.db import connections

    handle = flush.Command.handle

    def unlocked_handle(self, *args, **options):
        connection = connections[options["database"]]
        if connection.vendor != "sqlite":
            return handle(self, *args, **options)
        connection.ensure_connection()
        connection.connection.create_function("published_content_locked", 0, lambda: 0)
        try:
            return handle(self, *args, **options)
        finally:
            connection.connection.create_function("published_content_locked", 0, lambda: 1)

    flush.Command.handle = unlocked_handle
    yield
    flush.Command.handle = handle
