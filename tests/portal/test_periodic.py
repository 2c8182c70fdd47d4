"""Periodic jobs (core/periodic.py) and the queue's health command (queue_status)."""

import datetime
import json

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks.base import Task
from django_tasks_db.models import DBTaskResult

from core import periodic
from customers.models import LoginToken
from customers.tasks import login_tokens_delete
from tests.conftest import run_queued_tasks
from tests.factories import PolicyholderFactory


def test_each_job_is_enqueued_once_a_period_however_many_workers_ask(database_tasks, settings):
    settings.PERIODIC_TASKS = {"tokens": ("customers.tasks.login_tokens_delete", 60)}
    now = 1_800_000_000.0
    # Three workers' schedulers wake in the same minute: one of them enqueues it.
    assert [periodic.enqueue_due(now), periodic.enqueue_due(now + 10), periodic.enqueue_due(now + 20)] == [
        ["tokens"], [], []
    ]
    assert periodic.enqueue_due(now + 60) == ["tokens"]
    assert DBTaskResult.objects.filter(task_path="customers.tasks.login_tokens_delete").count() == 2


def test_every_configured_job_is_a_task(settings):
    for path, every in settings.PERIODIC_TASKS.values():
        assert every >= 60
        assert isinstance(import_string(path), Task)


def test_login_links_expired_a_day_ago_are_deleted(db):
    holder = PolicyholderFactory()
    now = timezone.now()
    for age_hours in (0, 23, 25):
        created = now - datetime.timedelta(hours=age_hours)
        LoginToken.objects.create(
            policyholder=holder, token_hash=f"{age_hours:064d}", created_at=created,
            expires_at=created + datetime.timedelta(minutes=15),
        )
    login_tokens_delete.call()
    assert sorted(LoginToken.objects.values_list("token_hash", flat=True)) == [f"{0:064d}", f"{23:064d}"]


def test_finished_tasks_are_pruned_after_a_day_failed_ones_after_two_weeks(database_tasks):
    from core.tasks import task_results_prune

    with time_machine.travel("2026-04-01 10:00 +0900"):
        task_results_prune.enqueue()
        run_queued_tasks()
    DBTaskResult.objects.update(status="FAILED")
    with time_machine.travel("2026-04-01 10:00 +0900"):
        task_results_prune.enqueue()
        run_queued_tasks()
    with time_machine.travel("2026-04-03 10:00 +0900"):
        task_results_prune.call()
        assert DBTaskResult.objects.filter(status="FAILED").count() == 1
        assert not DBTaskResult.objects.filter(status="SUCCESSFUL").exists()
    with time_machine.travel("2026-04-16 10:00 +0900"):
        task_results_prune.call()
        assert not DBTaskResult.objects.exists()


def test_queue_status_reports_depth_and_age_and_fails_when_stuck(database_tasks, capsys):
    with time_machine.travel("2026-04-01 10:00 +0900"):
        login_tokens_delete.enqueue()
        login_tokens_delete.using(run_after=timezone.now() + datetime.timedelta(hours=1)).enqueue()
    with time_machine.travel("2026-04-01 10:02 +0900", tick=False):
        call_command("queue_status", "--json")
        status = json.loads(capsys.readouterr().out)
        assert (status["due"], status["scheduled_later"], status["oldest_due_waiting_s"]) == (1, 1, 120)
        assert status["stuck"] is False
    with time_machine.travel("2026-04-01 10:06 +0900", tick=False), pytest.raises(CommandError, match="300 s"):
        call_command("queue_status")
    assert "due: 1" in capsys.readouterr().out
    run_queued_tasks()
    call_command("queue_status", "--json")
    assert json.loads(capsys.readouterr().out)["due"] == 0
