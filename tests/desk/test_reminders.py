"""The assignee is emailed once, REQUEST_REMINDER_DAYS before an open request's due date, by the periodic
job the workers run (settings.PERIODIC_TASKS); never for a paused, closed or unassigned request."""

import datetime

import pytest
import time_machine
from django.conf import settings
from django.utils.module_loading import import_string

from desk.models import CustomerRequest
from desk.pauses import request_pause
from desk.services import request_assign, request_submit
from tests.conftest import sent
from tests.desk.conftest import answer

pytestmark = pytest.mark.django_db

RECEIVED = datetime.datetime(2027, 3, 1, 1, tzinfo=datetime.UTC)  # due 15 March


def run_job(on: datetime.datetime) -> None:
    """The periodic job as a worker runs it, on that day; then a worker's pass sends what it queued."""
    from tests.conftest import run_due_jobs

    with time_machine.travel(on, tick=False):
        import_string(settings.PERIODIC_TASKS["request-reminders-send"][0]).enqueue()
        run_due_jobs()


def reminders(to) -> list:
    return [m for m in sent() if m.to == [to.email] and "回答期限" in m.subject]


def submit(policyholder, key, assignee, actor):
    with time_machine.travel(RECEIVED, tick=False):
        request = request_submit(policyholder=policyholder, kind="purpose", idempotency_key=key)
        return request_assign(request=request, assignee=assignee, actor=actor) if assignee else request


def test_the_assignee_is_reminded_once_n_days_before_the_due_date(policyholder, writer, checker, settings):
    settings.REQUEST_REMINDER_DAYS = 3
    request = submit(policyholder, "a", checker, writer)
    run_job(datetime.datetime(2027, 3, 11, 1, tzinfo=datetime.UTC))  # 4 days before: not yet
    assert reminders(checker) == []
    run_job(datetime.datetime(2027, 3, 12, 1, tzinfo=datetime.UTC))  # 3 days before
    (message,) = reminders(checker)
    assert request.number in message.subject and "回答期限まで3日" in message.subject
    assert "2027年3月15日（令和9年3月15日）" in message.body
    assert f"/admin/desk/customerrequest/{request.pk}/change/" in message.body
    assert policyholder.name not in message.body and policyholder.email not in message.body
    # The next hours and days: never again.
    run_job(datetime.datetime(2027, 3, 12, 2, tzinfo=datetime.UTC))
    run_job(datetime.datetime(2027, 3, 14, 1, tzinfo=datetime.UTC))
    assert len(reminders(checker)) == 1
    request.refresh_from_db()
    assert request.reminder is not None


def test_no_reminder_for_unassigned_paused_or_closed_requests(policyholder, writer, checker, settings):
    settings.REQUEST_REMINDER_DAYS = 3
    submit(policyholder, "unassigned", None, writer)
    paused = submit(policyholder, "paused", checker, writer)
    request_pause(request=paused, actor=writer, reason="fee")
    closed = submit(policyholder, "closed", checker, writer)
    answer(request=closed, author=writer, body="利用目的は次のとおりです。", outcome="done")
    run_job(datetime.datetime(2027, 3, 13, 1, tzinfo=datetime.UTC))
    assert reminders(checker) == [] and reminders(writer) == []
    assert not CustomerRequest.objects.filter(reminder__isnull=False).exists()


def test_a_reminder_queued_for_a_request_closed_before_it_was_sent_is_not_sent(policyholder, writer, checker,
                                                                                 settings):
    from desk.reminders import request_reminders_queue
    from tests.conftest import run_due_jobs

    settings.REQUEST_REMINDER_DAYS = 3
    request = submit(policyholder, "a", checker, writer)
    with time_machine.travel(datetime.datetime(2027, 3, 13, 1, tzinfo=datetime.UTC), tick=False):
        assert request_reminders_queue() == 1
        answer(request=request, author=writer, body="利用目的は次のとおりです。", outcome="done")
        run_due_jobs()
    assert reminders(checker) == []
