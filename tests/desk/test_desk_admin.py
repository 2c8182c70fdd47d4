"""The staff desk in the admin (顧客対応): the queue overdue first and marked, assignment, notes, answers,
and a refusal that its writer cannot approve."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.test import Client

from desk.models import CustomerRequest, Note, Reply
from desk.services import reply_write, request_submit
from tests import personas

from .conftest import IDENTITY

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2027, 2, 1, 1, tzinfo=datetime.UTC)  # 10:00 in Tokyo


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def submit(policyholder, on: datetime.datetime, kind="purpose", **extra):
    with time_machine.travel(on, tick=False):
        return request_submit(policyholder=policyholder, kind=kind, idempotency_key=f"{kind}-{on:%Y%m%d%H%M}",
                              **{**IDENTITY, **extra})


def change_url(request):
    return f"/admin/desk/customerrequest/{request.pk}/change/"


def test_the_queue_lists_overdue_requests_first_and_marks_them(policyholder, writer):
    recent = submit(policyholder, NOW - datetime.timedelta(days=3))
    overdue = submit(policyholder, NOW - datetime.timedelta(days=20), kind="correction", details="住所が違う")
    with time_machine.travel(NOW, tick=False):
        page = login(writer).get("/admin/desk/customerrequest/")
    assert page.status_code == 200
    text = page.content.decode()
    assert text.index(overdue.number) < text.index(recent.number)
    assert "期限超過：" in text
    assert text.count("期限超過：") == 1
    with time_machine.travel(NOW, tick=False):
        filtered = login(writer).get("/admin/desk/customerrequest/?deadline=overdue").content.decode()
    assert overdue.number in filtered and recent.number not in filtered


def test_staff_assign_note_and_answer(policyholder, writer, checker):
    request = submit(policyholder, NOW)
    client = login(writer)
    page = client.get(change_url(request))
    assert page.status_code == 200 and request.number in page.content.decode()
    response = client.post(change_url(request), {"assignee": checker.pk, "_save": "1"})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.assignee == checker and request.status == CustomerRequest.Status.IN_PROGRESS

    client.post(change_url(request), {"_desk_action": "note", "note-body": "電話で本人確認済み"})
    assert Note.objects.get().body == "電話で本人確認済み"
    sent_before = len(mail.outbox)
    client.post(change_url(request), {"_desk_action": "reply", "reply-body": "利用目的は次のとおりです。",
                                      "reply-outcome": "done", "reply-reason": ""})
    request.refresh_from_db()
    assert (request.status, request.outcome) == ("closed", "done")
    assert len(mail.outbox) == sent_before + 1  # the note emailed no one; the answer did


def test_a_refusal_without_reason_is_refused_with_a_400_and_nothing_saved(policyholder, writer):
    request = submit(policyholder, NOW, kind="suspension", details="消去してほしい")
    response = login(writer).post(change_url(request), {
        "_desk_action": "reply", "reply-body": "対応いたしかねます。", "reply-outcome": "declined", "reply-reason": "",
    })
    assert response.status_code == 400
    assert "個人情報保護法第36条" in response.content.decode()
    assert "対応いたしかねます。" in response.content.decode()  # what was written is kept
    assert not Reply.objects.exists()


def test_a_refusal_is_approved_by_a_second_person_not_its_writer(policyholder, writer, checker):
    request = submit(policyholder, NOW, kind="third_party_stop", details="提供を止めて")
    login(writer).post(change_url(request), {
        "_desk_action": "reply", "reply-body": "応じられません。", "reply-outcome": "declined",
        "reply-reason": "法令に基づく提供のため（個人情報保護法第27条第1項第1号）",
    })
    reply = Reply.objects.get()
    assert reply.status == Reply.Status.AWAITING_APPROVAL
    page = login(writer).get(change_url(request)).content.decode()
    assert "別の担当者が承認する必要があります" in page and "承認してお客さまに送信する" not in page
    response = login(writer).post(change_url(request), {"_desk_action": "approve", "reply": reply.pk})
    assert response.status_code == 403
    reply.refresh_from_db()
    assert reply.status == Reply.Status.AWAITING_APPROVAL

    assert "承認してお客さまに送信する" in login(checker).get(change_url(request)).content.decode()
    response = login(checker).post(change_url(request), {"_desk_action": "approve", "reply": reply.pk})
    assert response.status_code == 302
    reply.refresh_from_db()
    request.refresh_from_db()
    assert reply.status == Reply.Status.SENT and reply.approved_by == checker
    assert (request.status, request.outcome) == ("closed", "declined")


def test_returning_needs_a_comment(policyholder, writer, checker):
    request = submit(policyholder, NOW)
    reply = reply_write(request=request, author=writer, body="x", outcome="partial", reason="r")
    response = login(checker).post(change_url(request), {"_desk_action": "return", "reply": reply.pk,
                                                         "return-comment": ""})
    assert response.status_code == 400
    reply.refresh_from_db()
    assert reply.status == Reply.Status.AWAITING_APPROVAL


def test_an_unknown_action_is_a_400(policyholder, writer):
    request = submit(policyholder, NOW)
    response = login(writer).post(change_url(request), {"_desk_action": "delete-everything"})
    assert response.status_code == 400


def test_other_roles_do_not_see_the_desk(policyholder):
    request = submit(policyholder, NOW)
    editor = personas.editor()
    assert login(editor).get("/admin/desk/customerrequest/").status_code == 403
    assert login(editor).post(change_url(request), {"_desk_action": "note", "note-body": "x"}).status_code in (
        403, 404)
    assert not Note.objects.exists()


def test_requests_cannot_be_added_or_deleted_in_the_admin(policyholder, writer):
    request = submit(policyholder, NOW)
    assert login(writer).get("/admin/desk/customerrequest/add/").status_code == 403
    assert login(writer).post(f"/admin/desk/customerrequest/{request.pk}/delete/", {"post": "yes"}).status_code == 403
    assert CustomerRequest.objects.filter(pk=request.pk).exists()
