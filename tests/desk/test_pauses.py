"""Pausing a request: staff stop its clock with a reason the customer sees on its page, and resume it; the
due date moves by the paused calendar days, and the queue lists paused requests apart. Only desk staff can
pause: a customer's or anyone else's attempt is a Japanese 4xx and writes nothing."""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from desk.models import CustomerRequest, RequestPause
from desk.pauses import request_pause, request_resume
from desk.services import request_submit
from tests import personas
from tests.desk.conftest import answer

pytestmark = pytest.mark.django_db

RECEIVED = datetime.datetime(2027, 3, 1, 1, tzinfo=datetime.UTC)  # 10:00 on 1 March in Tokyo


def submit(policyholder, key="k", on=RECEIVED, **extra):
    with time_machine.travel(on, tick=False):
        return request_submit(policyholder=policyholder, kind="purpose", idempotency_key=key, **extra)


def staff(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def step_url(request, step):
    return f"/admin/desk/customerrequest/{request.pk}/step/{step}/"


def at(day: int, hour_utc: int = 1) -> datetime.datetime:
    return datetime.datetime(2027, 3, day, hour_utc, tzinfo=datetime.UTC)


def test_a_paused_requests_due_date_moves_by_the_paused_days(customer, policyholder, writer):
    request = submit(policyholder)
    assert request.due_date == datetime.date(2027, 3, 15)
    with time_machine.travel(at(5), tick=False):
        response = staff(writer).post(step_url(request, "pause"), {
            "pause-reason": "fee", "pause-message": "手数料500円を定額小為替でお送りください。",
        })
    assert response.status_code == 302
    page = customer.get(request.get_absolute_url()).content.decode()
    assert "手数料のお支払いをお待ちしています" in page
    assert "手数料500円を定額小為替でお送りください。" in page
    assert "一時停止" in page

    # Paused from 5 March to 12 March (Tokyo): 7 days; the due date moves from 15 to 22 March.
    with time_machine.travel(at(12, 14), tick=False):  # 23:00 on 12 March in Tokyo
        response = staff(writer).post(step_url(request, "resume"))
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.due_date == datetime.date(2027, 3, 22)
    pause = RequestPause.objects.get()
    assert (pause.days, pause.ended_by) == (7, writer)
    page = customer.get(request.get_absolute_url()).content.decode()
    assert "手数料のお支払いをお待ちしています" not in page
    assert "2027年3月22日（令和9年3月22日）" in page


def test_two_pauses_add_up(policyholder, writer):
    request = submit(policyholder)
    for start, end in ((2, 4), (10, 11)):
        with time_machine.travel(at(start), tick=False):
            request_pause(request=request, actor=writer, reason="documents")
        with time_machine.travel(at(end), tick=False):
            request_resume(request=request, actor=writer)
    request.refresh_from_db()
    assert request.due_date == datetime.date(2027, 3, 15) + datetime.timedelta(days=3)


def test_a_paused_request_is_not_overdue_and_is_listed_apart(policyholder, writer):
    late = submit(policyholder, key="late")
    soon = submit(policyholder, key="soon", on=at(3))
    with time_machine.travel(at(4), tick=False):
        request_pause(request=late, actor=writer, reason="identity")
    with time_machine.travel(at(20), tick=False):
        assert list(CustomerRequest.objects.overdue()) == [soon]
        assert list(CustomerRequest.objects.paused()) == [late]
        assert list(CustomerRequest.objects.queue()) == [soon, late]
        page = staff(writer).get("/admin/desk/customerrequest/").content.decode()
        assert page.index(soon.number) < page.index(late.number)
        assert "一時停止中：" in page and "期限超過：" in page
        paused_only = staff(writer).get("/admin/desk/customerrequest/?deadline=paused").content.decode()
        assert late.number in paused_only and soon.number not in paused_only


def test_the_queue_colours_the_days_left(policyholder, writer, settings):
    settings.REQUEST_REMINDER_DAYS = 3
    request = submit(policyholder)
    with time_machine.travel(at(2), tick=False):
        assert 'class="due due-later"' in staff(writer).get("/admin/desk/customerrequest/").content.decode()
    with time_machine.travel(at(13), tick=False):
        page = staff(writer).get("/admin/desk/customerrequest/").content.decode()
        assert 'class="due due-soon"' in page and "（残り2日）" in page
    with time_machine.travel(at(16), tick=False):
        assert 'class="due overdue"' in staff(writer).get("/admin/desk/customerrequest/").content.decode()
    assert request.number


def test_a_pause_without_a_reason_is_refused_in_japanese_and_nothing_written(policyholder, writer):
    request = submit(policyholder)
    response = staff(writer).post(step_url(request, "pause"), {"pause-message": "書類をお送りください。"})
    assert response.status_code == 400
    assert "一時停止の理由を選んでください" in response.content.decode()
    assert "書類をお送りください。" in response.content.decode()  # what was written is kept
    with pytest.raises(ValidationError):
        request_pause(request=request, actor=writer, reason="")
    with pytest.raises(ValidationError):
        request_pause(request=request, actor=writer, reason="holiday")
    assert not RequestPause.objects.exists()


def test_a_customer_cannot_pause_or_resume(customer, policyholder, writer):
    request = submit(policyholder)
    for step in ("pause", "resume"):
        response = customer.post(step_url(request, step), {"pause-reason": "fee"})
        assert response.status_code == 403
        assert "受付窓口の担当者のみ" in response.content.decode()
    assert Client().post(step_url(request, "pause"), {"pause-reason": "fee"}).status_code == 403
    # Their own request's page takes no writes either.
    response = customer.post(request.get_absolute_url(), {"reason": "fee"})
    assert response.status_code == 405 and "ボタン" in response.content.decode()
    # Staff of another role: refused by the service, in Japanese.
    response = staff(personas.editor()).post(step_url(request, "pause"), {"pause-reason": "fee"})
    assert response.status_code in (403, 404)
    with pytest.raises(PermissionDenied):
        request_pause(request=request, actor=personas.editor("editor2"), reason="fee")
    assert not RequestPause.objects.exists()


def test_pausing_twice_or_resuming_a_running_request_is_refused(policyholder, writer):
    request = submit(policyholder)
    assert staff(writer).post(step_url(request, "resume")).status_code == 400
    request_pause(request=request, actor=writer, reason="fee")
    response = staff(writer).post(step_url(request, "pause"), {"pause-reason": "documents"})
    assert response.status_code == 400 and "すでに一時停止中" in response.content.decode()
    assert RequestPause.objects.count() == 1


def test_an_answer_that_closes_a_paused_request_ends_the_pause(customer, policyholder, writer):
    request = submit(policyholder)
    request_pause(request=request, actor=writer, reason="documents")
    answer(request=request, author=writer, body="利用目的は次のとおりです。", outcome="done")
    pause = RequestPause.objects.get()
    assert pause.ended_at is not None and pause.ended_by is None
    assert "書類のご提出をお待ちしています" not in customer.get(request.get_absolute_url()).content.decode()


def test_the_admin_page_of_a_paused_request_offers_to_resume(policyholder, writer):
    request = submit(policyholder)
    request_pause(request=request, actor=writer, reason="documents", message="委任状をお送りください。")
    page = staff(writer).get(f"/admin/desk/customerrequest/{request.pk}/change/").content.decode()
    assert "ご請求を再開する（回答期限が延びます）" in page and "委任状をお送りください。" in page
    assert "ご請求を一時停止する" not in page
