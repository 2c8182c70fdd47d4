"""Packages through the task queue, as in production: enqueued with the request, built once by a worker,
retried after a failure, given up visibly, recovered after a worker dies; expired files deleted."""

import contextlib
import datetime

import pytest
import time_machine
from django.core import mail
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from core import periodic
from disclosure import packages
from disclosure.build import package_path
from disclosure.models import DisclosurePackage
from disclosure.sections import Column, Section, register_section
from disclosure.services import disclosure_package_request, disclosure_packages_expire
from outbox.models import OutgoingEmail
from tests.conftest import run_queued_tasks
from tests.factories import PolicyholderFactory

from .conftest import change, opened


def test_the_request_enqueues_a_build_and_a_worker_builds_it_and_emails_the_customer(
    database_tasks, policyholder, life
):
    change(policyholder, life)
    run_queued_tasks()
    mail.outbox.clear()
    package = disclosure_package_request(policyholder, request_number="R-7")
    assert package.status == "queued" and DBTaskResult.objects.filter(status="READY").count() == 1
    assert not package.file_name
    run_queued_tasks()  # the build, which queues the email
    run_queued_tasks()  # the email
    package.refresh_from_db()
    assert package.status == "ready" and package.attempts == 1
    assert opened(package).csv("consent_events")
    assert [m.to for m in mail.outbox] == [[policyholder.email]]
    assert "開示資料をご用意しました（受付番号 R-7）" in mail.outbox[0].subject
    assert OutgoingEmail.objects.get(kind="disclosure_ready").status == "sent"


def test_a_request_rolled_back_leaves_no_package_and_no_task(database_tasks, policyholder):
    with pytest.raises(RuntimeError), transaction.atomic():
        disclosure_package_request(policyholder)
        raise RuntimeError("the caller's transaction fails after the request")
    assert not DisclosurePackage.objects.exists() and not DBTaskResult.objects.exists()


def test_a_second_task_for_a_built_package_does_nothing(database_tasks, policyholder):
    package = disclosure_package_request(policyholder)
    packages.disclosure_package_build.enqueue(package.pk)
    run_queued_tasks()
    run_queued_tasks()
    package.refresh_from_db()
    assert package.attempts == 1 and len(list(package_path("").iterdir())) == 1
    assert OutgoingEmail.objects.filter(kind="disclosure_ready").count() == 1


def test_a_customer_without_an_address_gets_the_package_without_an_email(database_tasks):
    policyholder = PolicyholderFactory(email="")
    package = disclosure_package_request(policyholder)
    run_queued_tasks()
    package.refresh_from_db()
    assert package.status == "ready" and package.email is None


def _rows_then_a_full_disk(policyholder):
    yield {"n": 1}
    raise OSError("disk full")


@contextlib.contextmanager
def failing_section_registered(registry: dict):
    section = Section(key="zz_failing", title="失敗", description="", columns=[Column("n", "n", "")],
                      rows=_rows_then_a_full_disk)
    register_section(section)
    try:
        yield
    finally:
        del registry[section.key]


def test_a_failed_build_is_retried_later_and_given_up_after_the_last_attempt(
    database_tasks, policyholder, caplog, section_registry
):
    with time_machine.travel("2026-04-01 10:00 +0900", tick=False) as clock:
        package = disclosure_package_request(policyholder)
        with failing_section_registered(section_registry):
            run_queued_tasks()
            package.refresh_from_db()
            assert (package.status, package.attempts, package.last_error) == ("queued", 1, "OSError")
            assert "disk full" not in caplog.text
            run_queued_tasks()
            assert DisclosurePackage.objects.get().attempts == 1  # not before its time
            for _ in range(packages.MAX_ATTEMPTS):
                clock.shift(datetime.timedelta(hours=1))
                run_queued_tasks()
        package.refresh_from_db()
        assert (package.status, package.attempts) == ("failed", packages.MAX_ATTEMPTS)
        assert not list(package_path("").iterdir())  # no half-written file left behind
        assert packages.disclosure_package_retry(package=package)
        run_queued_tasks()
    package.refresh_from_db()
    assert package.status == "ready"


def test_a_package_whose_worker_died_mid_build_is_built_by_the_next(database_tasks, policyholder):
    disclosure_package_request(policyholder)
    DBTaskResult.objects.update(status="RUNNING", started_at=timezone.now())
    run_queued_tasks()
    assert DisclosurePackage.objects.get().status == "queued"
    assert packages.disclosure_packages_recover() == 1
    run_queued_tasks()
    assert DisclosurePackage.objects.get().status == "ready"
    assert packages.disclosure_packages_recover() == 0


def test_recovery_leaves_packages_whose_task_is_waiting(database_tasks, policyholder):
    disclosure_package_request(policyholder)
    assert packages.disclosure_packages_recover() == 0


def test_expired_files_are_deleted_and_the_record_stays(policyholder, settings):
    with time_machine.travel(timezone.now() - datetime.timedelta(days=31), tick=False):
        old = disclosure_package_request(policyholder)
    recent = disclosure_package_request(policyholder)
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
    package.refresh_from_db()
    stray = package_path("0123456789abcdef.zip.part")
    stray.write_bytes(b"half")
    disclosure_packages_expire()
    assert stray.exists()  # perhaps a build in progress
    disclosure_packages_expire(now=timezone.now() + datetime.timedelta(days=2))
    assert not stray.exists() and package_path(package.file_name).exists()


def test_the_clean_ups_are_periodic_jobs_of_the_workers(database_tasks, policyholder):
    with time_machine.travel(timezone.now() - datetime.timedelta(days=31), tick=False):
        old = disclosure_package_request(policyholder)
        run_queued_tasks()
    periodic.enqueue_all()
    assert {"disclosure.tasks.disclosure_packages_expire", "disclosure.tasks.disclosure_packages_recover"} <= set(
        DBTaskResult.objects.values_list("task_path", flat=True)
    )
    run_queued_tasks()
    old.refresh_from_db()
    assert old.status == "expired"
