"""desk.services: a request gets a number, a due date and an acknowledgment queued with it; answers, once
through the send step, are emailed and close the request; a refusal needs its reason and a second person
before anything is sent."""

import datetime
import uuid

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from desk.models import CustomerRequest, Reply
from desk.services import (
    inquiry_submit,
    note_add,
    reply_approve,
    reply_return,
    request_assign,
    request_submit,
)
from outbox.models import OutgoingEmail
from tests import personas
from tests.conftest import run_due_jobs
from tests.desk.conftest import answer

from .conftest import IDENTITY

pytestmark = pytest.mark.django_db


def submit(policyholder, kind=CustomerRequest.Kind.PURPOSE, **extra):
    return request_submit(policyholder=policyholder, kind=kind, idempotency_key=uuid.uuid4().hex,
                          **{**IDENTITY, **extra})


def test_a_request_gets_a_number_a_due_date_and_an_acknowledgment_email(policyholder, settings):
    settings.REQUEST_DUE_DAYS = 14
    # 23:30 in Tokyo on 31 January: the day of receipt is Tokyo's, not UTC's (14:30 UTC).
    with time_machine.travel(datetime.datetime(2027, 1, 31, 14, 30, tzinfo=datetime.UTC), tick=False):
        request = submit(policyholder, CustomerRequest.Kind.DISCLOSURE, delivery="electronic")
        # A worker's pass at that time: the acknowledgment, and the package and its "ready" email.
        run_due_jobs()
    assert request.number.startswith("R20270131-")
    assert request.due_date == datetime.date(2027, 2, 14)
    assert request.status == CustomerRequest.Status.RECEIVED
    request.acknowledgment.refresh_from_db()
    assert request.acknowledgment.kind == "request_received"
    assert request.acknowledgment.status == OutgoingEmail.Status.SENT
    # The acknowledgment (the package's "ready" email goes too: by electronic record it is prepared at once).
    (message,) = [m for m in mail.outbox if request.number in m.subject and "受け付けました" in m.subject]
    assert message.to == [policyholder.email]
    assert "開示" in message.subject
    assert "2027年2月14日（令和9年2月14日）" in message.body
    assert f"/my/requests/{request.number}/" in message.body
    assert "お問合せ窓口：http://127.0.0.1:8000/contact/" in message.body


def test_the_same_form_sent_twice_makes_one_request(policyholder):
    key = uuid.uuid4().hex
    first = request_submit(policyholder=policyholder, kind="purpose", idempotency_key=key)
    again = request_submit(policyholder=policyholder, kind="purpose", idempotency_key=key)
    assert first == again and CustomerRequest.objects.count() == 1 and len(mail.outbox) == 1


@pytest.mark.parametrize(
    ("kind", "delivery"), [("everything", ""), ("inquiry", ""), ("disclosure", ""), ("disclosure", "fax")]
)
def test_unknown_kinds_and_a_disclosure_without_its_form_are_refused(policyholder, kind, delivery):
    with pytest.raises(ValidationError):
        submit(policyholder, kind, delivery=delivery)
    assert not CustomerRequest.objects.exists() and not OutgoingEmail.objects.exists()


def test_an_inquiry_is_answered_at_the_address_given(db):
    inquiry = inquiry_submit(name="山田 太郎", email="taro@example.net", message="質問です。", idempotency_key="n1")
    assert inquiry.policyholder is None and inquiry.kind == CustomerRequest.Kind.INQUIRY
    (message,) = mail.outbox
    assert message.to == ["taro@example.net"] and inquiry.number in message.subject
    assert "お問合せを受け付けました" in message.body and "山田" not in message.body  # names no one
    assert "/my/requests/" not in message.body


def test_an_answer_without_outcome_is_sent_and_leaves_the_request_open(policyholder, writer):
    request = submit(policyholder)
    reply = answer(request=request, author=writer, body="確認のため、対象の契約を教えてください。")
    request.refresh_from_db()
    assert reply.status == Reply.Status.SENT and request.status == CustomerRequest.Status.IN_PROGRESS
    assert mail.outbox[-1].to == [policyholder.email]
    assert "回答" in mail.outbox[-1].subject
    # The policyholder's answer may hold personal data: the email points to the page behind the login.
    assert "確認のため" not in mail.outbox[-1].body and request.get_absolute_url() in mail.outbox[-1].body


def test_an_inquiry_answer_carries_the_answer_itself(writer):
    inquiry = inquiry_submit(name="山田 太郎", email="taro@example.net", message="質問です。", idempotency_key="n2")
    answer(request=inquiry, author=writer, body="お答えします。", outcome="done")
    assert "お答えします。" in mail.outbox[-1].body and mail.outbox[-1].to == ["taro@example.net"]


def test_done_closes_the_request(policyholder, writer):
    request = submit(policyholder)
    answer(request=request, author=writer, body="利用目的は次のとおりです。", outcome="done")
    request.refresh_from_db()
    assert (request.status, request.outcome) == ("closed", "done") and request.closed_at is not None
    with pytest.raises(ValidationError):
        answer(request=request, author=writer, body="追記")


@pytest.mark.parametrize("outcome", ["partial", "declined"])
def test_a_refusal_needs_the_reason(policyholder, writer, outcome):
    request = submit(policyholder, "suspension", details="DMを止めてほしい")
    with pytest.raises(ValidationError, match="36"):
        answer(request=request, author=writer, body="対応いたしかねます。", outcome=outcome, reason="  ")
    assert not Reply.objects.exists() and len(mail.outbox) == 1  # only the acknowledgment


def test_a_refusal_waits_for_a_second_person_and_its_writer_cannot_approve_it(policyholder, writer, checker):
    request = submit(policyholder, "suspension", details="すべて消去してほしい")
    reply = answer(
        request=request, author=writer, body="一部のみ対応します。", outcome="partial",
        reason="保険業法により契約記録の保存が義務付けられているため",
    )
    request.refresh_from_db()
    assert reply.status == Reply.Status.AWAITING_APPROVAL and request.is_open and len(mail.outbox) == 1
    with pytest.raises(PermissionDenied, match="two-person|another person|別の"):
        reply_approve(reply=reply, approver=writer)
    reply.refresh_from_db()
    assert reply.status == Reply.Status.AWAITING_APPROVAL and len(mail.outbox) == 1

    reply_approve(reply=reply, approver=checker)
    reply.refresh_from_db()
    request.refresh_from_db()
    assert (reply.status, reply.approved_by) == (Reply.Status.SENT, checker)
    assert (request.status, request.outcome) == ("closed", "partial")
    assert len(mail.outbox) == 2


def test_the_database_refuses_a_refusal_sent_without_approval_or_approved_by_its_writer(policyholder, writer):
    request = submit(policyholder)
    now = timezone.now()
    with pytest.raises(IntegrityError), transaction.atomic():
        Reply.objects.create(request=request, author=writer, body="x", outcome="declined", reason="r",
                             status="sent", created_at=now, sent_at=now)
    with pytest.raises(IntegrityError), transaction.atomic():
        Reply.objects.create(request=request, author=writer, body="x", outcome="declined", reason="r",
                             status="sent", created_at=now, sent_at=now, approved_by=writer)
    with pytest.raises(IntegrityError), transaction.atomic():
        Reply.objects.create(request=request, author=writer, body="x", outcome="declined", reason="",
                             status="awaiting_approval", created_at=now)


def test_a_returned_refusal_is_never_sent(policyholder, writer, checker):
    request = submit(policyholder)
    reply = answer(request=request, author=writer, body="対応しません。", outcome="declined", reason="理由")
    with pytest.raises(ValidationError):
        reply_return(reply=reply, approver=checker, comment=" ")
    reply_return(reply=reply, approver=checker, comment="理由に根拠条文を加えてください。")
    reply.refresh_from_db()
    assert reply.status == Reply.Status.RETURNED and reply.email is None
    with pytest.raises(ValidationError):
        reply_approve(reply=reply, approver=checker)
    assert len(mail.outbox) == 1
    request.refresh_from_db()
    assert request.is_open


def test_only_one_closing_answer_awaits_approval_at_a_time(policyholder, writer):
    request = submit(policyholder)
    answer(request=request, author=writer, body="a", outcome="declined", reason="r")
    with pytest.raises(ValidationError):
        answer(request=request, author=writer, body="b", outcome="done")


def test_staff_without_the_desk_role_can_do_nothing(policyholder, writer):
    request = submit(policyholder)
    outsider = personas.editor()
    with pytest.raises(PermissionDenied):
        answer(request=request, author=outsider, body="x")
    with pytest.raises(PermissionDenied):
        note_add(request=request, author=outsider, body="x")
    with pytest.raises(ValidationError):
        request_assign(request=request, assignee=outsider, actor=writer)
    reply = answer(request=request, author=writer, body="x", outcome="declined", reason="r")
    with pytest.raises(PermissionDenied):
        reply_approve(reply=reply, approver=outsider)


def test_assignment_starts_the_work(policyholder, writer, checker):
    request = request_assign(request=submit(policyholder), assignee=checker, actor=writer)
    assert request.assignee == checker and request.status == CustomerRequest.Status.IN_PROGRESS


def test_the_queue_puts_overdue_first_then_the_nearest_due_date(policyholder, writer):
    with time_machine.travel(datetime.datetime(2027, 1, 1, 3, tzinfo=datetime.UTC), tick=False):
        old = submit(policyholder)
        old_closed = submit(policyholder)
        answer(request=old_closed, author=writer, body="done", outcome="done")
    with time_machine.travel(datetime.datetime(2027, 1, 10, 3, tzinfo=datetime.UTC), tick=False):
        middle = submit(policyholder)
    with time_machine.travel(datetime.datetime(2027, 1, 20, 3, tzinfo=datetime.UTC), tick=False):
        new = submit(policyholder)
        assert list(CustomerRequest.objects.queue()) == [old, middle, new, old_closed]
        assert list(CustomerRequest.objects.overdue()) == [old]
        old_closed.refresh_from_db()
        assert old.is_overdue() and not middle.is_overdue() and not old_closed.is_overdue()


def test_a_policyholder_without_an_address_gets_the_request_and_a_visibly_unsent_email(db):
    from tests.factories import PolicyholderFactory

    holder = PolicyholderFactory(email="")
    request = submit(holder)
    run_due_jobs()
    request.acknowledgment.refresh_from_db()
    assert request.acknowledgment.status == OutgoingEmail.Status.FAILED
    assert request.acknowledgment.last_error == "no address" and not mail.outbox


def test_the_desk_registers_its_own_email_kinds_under_their_names():
    from outbox.kinds import KINDS, email_kind_register, kind_label

    assert {"request_received", "request_answer"} <= set(KINDS)
    assert (kind_label("request_received"), kind_label("request_answer")) == ("ご請求の受付", "ご請求への回答")
    # A kind that would not fit the outbox's column is refused, not cut short.
    with pytest.raises(ValueError):
        email_kind_register(code="request_received_" + "x" * 20, label="too long", build=lambda email: None)
