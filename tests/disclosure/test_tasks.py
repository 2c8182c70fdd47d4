"""Packages as rows the workers build (core/jobs.py), as in production: queued with the request, built once by
a worker's pass, retried after a failure, given up visibly and tried again by staff, built by the next pass
after a worker dies mid-build; expired files deleted by a periodic job."""

import contextlib
import datetime

import pytest
import time_machine
from django.core import mail
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from core import jobs, periodic
from disclosure.build import package_path
from disclosure.models import DisclosurePackage
from disclosure.packages import PACKAGES
from disclosure.sections import Column, Section, register_section
from disclosure.services import disclosure_package_request, disclosure_packages_expire
from outbox.models import OutgoingEmail
from tests.conftest import run_due_jobs, run_queued_tasks, sent
from tests.factories import PolicyholderFactory

from .conftest import change, opened


def test_the_request_queues_the_package_and_a_workers_pass_builds_it_and_emails_the_customer(policyholder, life):
    change(policyholder, life)
    mail.outbox.clear()
    package = disclosure_package_request(policyholder, request_number="R-7")
    assert package.status == "queued" and package.next_attempt_at <= timezone.now()
    assert not package.file_name and not DBTaskResult.objects.exists()  # the row is the job: no task
    assert run_due_jobs() == 2  # the build, then the email the build queued
    package.refresh_from_db()
    assert (package.status, package.attempts, package.next_attempt_at) == ("ready", 1, None)
    assert opened(package).csv("consent_events")
    assert [m.to for m in sent()] == [[policyholder.email]]
    assert "開示資料をご用意しました（受付番号 R-7）" in sent()[0].subject
    assert OutgoingEmail.objects.get(kind="disclosure_ready").status == "sent"


def test_a_request_rolled_back_leaves_no_package_and_nothing_to_build(policyholder):
    with pytest.raises(RuntimeError), transaction.atomic():
        disclosure_package_request(policyholder)
        raise RuntimeError("the caller's transaction fails after the request")
    assert not DisclosurePackage.objects.exists()
    assert run_due_jobs() == 0 and not list(package_path("").glob("*"))


def test_a_built_package_is_not_built_again(policyholder):
    package = disclosure_package_request(policyholder)
    run_due_jobs()
    assert not jobs.job_run_one(PACKAGES, pk=package.pk)  # a second worker finds nothing to claim
    assert run_due_jobs() == 0
    package.refresh_from_db()
    assert package.attempts == 1 and len(list(package_path("").iterdir())) == 1
    assert OutgoingEmail.objects.filter(kind="disclosure_ready").count() == 1


def test_a_customer_without_an_address_gets_the_package_without_an_email(db):
    policyholder = PolicyholderFactory(email="")
    package = disclosure_package_request(policyholder)
    run_due_jobs()
    package.refresh_from_db()
    assert package.status == "ready" and package.email is None
    assert not OutgoingEmail.objects.exists()


def _rows_then_a_full_disk(policyholder):
    yield {"n": 1}
    raise OSError("disk full")


def _rows_then_the_worker_dies(policyholder):
    yield {"n": 1}
    raise SystemExit("the worker's process ends mid-build")


@contextlib.contextmanager
def section_registered(registry: dict, rows):
    section = Section(key="zz_failing", title="失敗", description="", columns=[Column("n", "n", "")], rows=rows)
    register_section(section)
    try:
        yield
    finally:
        del registry[section.key]


def test_a_failed_build_is_retried_later_and_given_up_after_the_last_attempt(policyholder, caplog, section_registry):
    with time_machine.travel("2026-04-01 10:00 +0900", tick=False) as clock:
        package = disclosure_package_request(policyholder)
        with section_registered(section_registry, _rows_then_a_full_disk):
            run_due_jobs()
            package.refresh_from_db()
            assert (package.status, package.attempts, package.last_error) == ("queued", 1, "OSError")
            assert package.next_attempt_at == timezone.now() + jobs.retry_delay(1)
            assert f"disclosure package {package.pk} failed, attempt 1: OSError; next attempt at" in caplog.text
            assert "disk full" not in caplog.text
            assert run_due_jobs() == 0
            assert DisclosurePackage.objects.get().attempts == 1  # not before its time
            for _ in range(jobs.MAX_ATTEMPTS):
                clock.shift(datetime.timedelta(hours=1))
                run_due_jobs()
        package.refresh_from_db()
        assert (package.status, package.attempts) == ("failed", jobs.MAX_ATTEMPTS)
        assert f"Gave up disclosure package {package.pk} after {jobs.MAX_ATTEMPTS} attempts: OSError" in caplog.text
        assert not list(package_path("").iterdir())  # no half-written file left behind
        clock.shift(datetime.timedelta(days=1))
        assert run_due_jobs() == 0  # given up: no worker tries it on its own
        # Staff try it again (the admin's 「再試行」 action, tests/disclosure/test_admin.py).
        assert jobs.jobs_retry(jobs.job_for(DisclosurePackage), DisclosurePackage.objects.all()) == 1
        run_due_jobs()
    package.refresh_from_db()
    assert (package.status, package.attempts, package.last_error) == ("ready", 1, "")


def test_a_package_whose_worker_died_mid_build_is_built_by_the_next_pass(policyholder, section_registry):
    package = disclosure_package_request(policyholder)
    dies = section_registered(section_registry, _rows_then_the_worker_dies)
    with dies, pytest.raises(SystemExit), transaction.atomic():
        jobs.job_run_one(PACKAGES)
    # Its transaction went with it: the package is still queued and due, with nothing to recover by hand.
    package.refresh_from_db()
    assert (package.status, package.attempts) == ("queued", 0)
    assert package.next_attempt_at <= timezone.now()
    assert run_due_jobs() == 2  # the build, then its email
    package.refresh_from_db()
    assert (package.status, package.attempts) == ("ready", 1)
    assert opened(package).csv("profile")


def test_expired_files_are_deleted_and_the_record_stays(policyholder, settings):
    with time_machine.travel(timezone.now() - datetime.timedelta(days=31), tick=False):
        old = disclosure_package_request(policyholder)
        run_due_jobs()
    recent = disclosure_package_request(policyholder)
    run_due_jobs()
    old.refresh_from_db()
    recent.refresh_from_db()
    old_file = package_path(old.file_name)
    assert old_file.exists()
    assert disclosure_packages_expire() == 1
    old.refresh_from_db()
    assert old.status == "expired" and old.file_deleted_at is not None and old.sha256
    assert not old_file.exists() and package_path(recent.file_name).exists()
    assert disclosure_packages_expire() == 0


def test_files_no_package_names_are_deleted_after_a_day(policyholder):
    package = disclosure_package_request(policyholder)
    run_due_jobs()
    package.refresh_from_db()
    stray = package_path("0123456789abcdef.zip.part")
    stray.write_bytes(b"half")
    disclosure_packages_expire()
    assert stray.exists()  # perhaps a build in progress
    disclosure_packages_expire(now=timezone.now() + datetime.timedelta(days=2))
    assert not stray.exists() and package_path(package.file_name).exists()


def test_the_clean_up_is_a_periodic_job_of_the_workers(database_tasks, policyholder):
    with time_machine.travel(timezone.now() - datetime.timedelta(days=31), tick=False):
        old = disclosure_package_request(policyholder)
        run_due_jobs()
    periodic.enqueue_all()
    assert "disclosure.tasks.disclosure_packages_expire" in set(
        DBTaskResult.objects.values_list("task_path", flat=True)
    )
    run_queued_tasks()
    old.refresh_from_db()
    assert old.status == "expired"
