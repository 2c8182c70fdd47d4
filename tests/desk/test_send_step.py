"""Sending is a step of its own: staff write a draft, see the email and the customer's page exactly as the
customer will, then send. Nothing reaches the customer before the send step; a preview that is out of date
sends nothing (409); a refusal without the complaint route (苦情の申出先, 認定個人情報保護団体) cannot be sent."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client

from desk.models import CustomerRequest, Reply
from desk.services import inquiry_submit, reply_approve, reply_send, reply_write, request_submit
from tests.conftest import sent
from tests.desk.conftest import IDENTITY

pytestmark = pytest.mark.django_db


def staff(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def preview_url(request, reply):
    return f"/admin/desk/customerrequest/{request.pk}/answer/{reply.pk}/"


def shown_on(page: str) -> str:
    return page.split('name="shown" value="')[1].split('"')[0]


def test_an_answer_is_not_sent_until_the_send_step(customer, policyholder, writer):
    request = request_submit(policyholder=policyholder, kind="purpose", idempotency_key="k")
    client = staff(writer)
    before = len(mail.outbox)
    response = client.post(f"/admin/desk/customerrequest/{request.pk}/step/draft/", {
        "reply-body": "当社の利用目的は次のとおりです。", "reply-outcome": "done", "reply-reason": "",
    })
    draft = Reply.objects.get()
    assert draft.status == Reply.Status.DRAFT and response["Location"] == preview_url(request, draft)
    # Nothing sent, nothing on the customer's page, the request still open: a worker's pass changes nothing.
    assert len(mail.outbox) == before
    assert "当社の利用目的" not in customer.get(request.get_absolute_url()).content.decode()
    request.refresh_from_db()
    assert request.is_open and draft.email is None

    # The preview: the email as the worker will build it, and the customer's page with the answer on it.
    page = client.get(preview_url(request, draft)).content.decode()
    assert f"宛先： {policyholder.email}" in page and request.number in page
    assert "回答は次のページでご確認ください" in page  # the email's own text
    assert "当社の利用目的は次のとおりです。" in page
    # The customer's whole page, by the customer's own template, with the answer on it and the request closed.
    customer_page = client.get(f"{preview_url(request, draft)}page/").content.decode()
    assert "当社の利用目的は次のとおりです。" in customer_page and "完了（対応済み）" in customer_page
    assert "下書き" not in customer_page  # no admin message leaks into it
    assert "この回答をお客さまに送信する" in page
    assert "回答を保存する" not in client.get(f"/admin/desk/customerrequest/{request.pk}/change/").content.decode()

    client.post(preview_url(request, draft), {"_desk_action": "send", "shown": shown_on(page)})
    draft.refresh_from_db()
    assert draft.status == Reply.Status.SENT
    assert len(mail.outbox) == before + 1 and mail.outbox[-1].to == [policyholder.email]
    assert "当社の利用目的は次のとおりです。" in customer.get(request.get_absolute_url()).content.decode()


def test_writing_again_replaces_the_draft_and_an_old_preview_sends_nothing(policyholder, writer):
    request = request_submit(policyholder=policyholder, kind="purpose", idempotency_key="k")
    client = staff(writer)
    draft = reply_write(request=request, author=writer, body="第一稿")
    old_preview = client.get(preview_url(request, draft)).content.decode()
    again = reply_write(request=request, author=writer, body="第二稿")
    assert again.pk == draft.pk and Reply.objects.count() == 1
    response = client.post(preview_url(request, draft), {"_desk_action": "send", "shown": shown_on(old_preview)})
    assert response.status_code == 409 and "プレビューを開き直し" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Reply.Status.DRAFT and draft.email is None
    assert not [m for m in sent() if "回答" in m.subject and request.number in m.subject]


def test_the_preview_of_an_inquiry_shows_the_whole_email(writer):
    inquiry = inquiry_submit(name="山田 太郎", email="taro@example.net", message="質問です。", idempotency_key="q")
    draft = reply_write(request=inquiry, author=writer, body="お答えします。")
    page = staff(writer).get(preview_url(inquiry, draft)).content.decode()
    assert "taro@example.net" in page and "お答えします。" in page and "上のメールが回答のすべてです" in page


def test_a_refusal_carries_the_complaint_route_in_the_email_and_on_the_page(customer, policyholder, writer, checker):
    request = request_submit(policyholder=policyholder, kind="suspension", details="消去してほしい",
                             idempotency_key="k", **IDENTITY)
    reply = reply_send(reply=reply_write(request=request, author=writer, body="消去いたしかねます。",
                                         outcome="declined", reason="保険業法に基づく保存義務があるため"), actor=writer)
    preview = staff(checker).get(preview_url(request, reply)).content.decode()
    assert "苦情の申出先" in preview and "この回答を承認してお客さまに送信する" in preview
    reply_approve(reply=reply, approver=checker, shown=shown_on(preview))
    message = mail.outbox[-1]
    assert request.number in message.subject
    assert "苦情の申出先" in message.body and "認定個人情報保護団体" in message.body
    assert "/privacy/" in message.body
    page = customer.get(request.get_absolute_url()).content.decode()
    assert "保険業法に基づく保存義務があるため" in page
    assert "苦情" in page and "認定個人情報保護団体" in page


def test_a_refusal_without_the_complaint_route_cannot_be_sent(db, writer, checker):
    # No page of items on retained personal data in force (no demo content): no complaint route to give.
    inquiry = inquiry_submit(name="山田 太郎", email="taro@example.net", message="消去してください。",
                             idempotency_key="q")
    draft = reply_write(request=inquiry, author=writer, body="対応いたしかねます。", outcome="declined",
                        reason="ご本人であることを確認できないため")
    page = staff(writer).get(preview_url(inquiry, draft)).content.decode()
    assert "この回答はまだ送信できません" in page and "苦情の申出先" in page
    response = staff(writer).post(preview_url(inquiry, draft), {"_desk_action": "send", "shown": shown_on(page)})
    assert response.status_code == 400 and "苦情の申出先を記載する必要があります" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Reply.Status.DRAFT
    with pytest.raises(ValidationError, match="苦情の申出先"):
        reply_send(reply=draft, actor=writer)
    inquiry.refresh_from_db()
    assert inquiry.is_open and not [m for m in mail.outbox if "回答" in m.subject]


def test_only_the_draft_goes_through_the_send_step_and_only_once(policyholder, writer):
    request = request_submit(policyholder=policyholder, kind="purpose", idempotency_key="k")
    draft = reply_write(request=request, author=writer, body="お答えします。", outcome="done")
    reply_send(reply=draft, actor=writer)
    with pytest.raises(ValidationError):
        reply_send(reply=draft, actor=writer)
    assert CustomerRequest.objects.get().status == "closed"
    assert len([m for m in mail.outbox if "回答" in m.subject]) == 1
