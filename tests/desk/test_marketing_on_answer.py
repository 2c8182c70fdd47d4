"""A 利用停止 or 第三者提供の停止 that staff accept for marketing stops exactly the company × channel cells they
chose, through the preference service, the moment the answer is sent: the API answers allowed: false for
that company only, and not a moment before (a draft, or a refusal awaiting approval, changes nothing)."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from consents.models import ConsentEvent, Source
from desk.models import Reply
from desk.services import reply_approve, reply_send, reply_write, request_submit
from tests.desk.conftest import IDENTITY, answer
from tests.factories import ApiClientFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/contact-permission"
CHANNELS = ("direct_mail", "phone", "web_ads")


def allowed(client, vendor, holder, company, channel) -> bool:
    response = client.get(URL, {"customer": holder.customer_number, "company": company.pk, "channel": channel},
                          headers={"Authorization": f"Bearer {vendor.token}"})
    assert response.status_code == 200
    return response.json()["allowed"]


def matrix(client, vendor, holder, companies) -> dict:
    return {(company.short_name, channel): allowed(client, vendor, holder, company, channel)
            for company in companies for channel in CHANNELS}


def suspension(policyholder, kind="suspension"):
    return request_submit(policyholder=policyholder, kind=kind, idempotency_key=kind,
                          details="楽天生命からのダイレクトメールの利用を停止してほしい", **IDENTITY)


def test_an_accepted_suspension_turns_the_api_to_false_for_that_company_only(
    client, customer, policyholder, life, nonlife, writer
):
    vendor = ApiClientFactory(companies=[life, nonlife])
    before = matrix(client, vendor, policyholder, [life, nonlife])
    assert before[("楽天生命", "direct_mail")] is True
    request = suspension(policyholder)
    draft = reply_write(request=request, author=writer, body="ダイレクトメールの利用を停止いたしました。",
                        outcome="done", marketing_cells=[[life.pk, "direct_mail"]])
    # A draft changes nothing.
    assert matrix(client, vendor, policyholder, [life, nonlife]) == before

    reply_send(reply=draft, actor=writer)  # the send step, as staff take it after the preview
    after = matrix(client, vendor, policyholder, [life, nonlife])
    assert after[("楽天生命", "direct_mail")] is False
    assert {cell: value for cell, value in after.items() if cell != ("楽天生命", "direct_mail")} == {
        cell: value for cell, value in before.items() if cell != ("楽天生命", "direct_mail")}
    event = ConsentEvent.objects.get(policyholder=policyholder)
    assert (event.source, event.reason, event.company_id, event.new_value, event.actor) == (
        Source.REQUEST, request.number, life.pk, False, writer)
    page = customer.get(request.get_absolute_url()).content.decode()
    assert "次のご案内を停止しました" in page and "楽天生命 ／ DM（ダイレクトメール）" in page


def test_a_partial_stop_waits_for_approval_and_the_approver_sees_the_cells(
    client, policyholder, life, nonlife, writer, checker
):
    vendor = ApiClientFactory(companies=[life, nonlife])
    request = suspension(policyholder, kind="third_party_stop")
    reply = answer(request=request, author=writer, body="ダイレクトメールのみ停止します。", outcome="partial",
                   reason="法令に基づく提供は停止できないため", marketing_cells=[[nonlife.pk, "phone"]])
    assert reply.status == Reply.Status.AWAITING_APPROVAL
    assert allowed(client, vendor, policyholder, nonlife, "phone") is True
    approver = Client()
    approver.force_login(checker)
    preview = approver.get(f"/admin/desk/customerrequest/{request.pk}/answer/{reply.pk}/").content.decode()
    assert "楽天損保 ／ 電話" in preview and "受け取る → 受け取らない" in preview
    reply_approve(reply=reply, approver=checker)
    assert allowed(client, vendor, policyholder, nonlife, "phone") is False
    assert allowed(client, vendor, policyholder, life, "phone") is True


@pytest.mark.parametrize(("kind", "outcome", "cells"), [
    ("purpose", "done", [["LIFE", "direct_mail"]]),
    ("suspension", "declined", [["LIFE", "direct_mail"]]),
    ("suspension", "done", [["LIFE", "carrier_pigeon"]]),
    ("suspension", "done", [[999999, "direct_mail"]]),
])
def test_cells_only_for_an_accepted_stop_and_only_from_the_table(policyholder, life, writer, kind, outcome, cells):
    identity = IDENTITY if kind != "purpose" else {}
    request = request_submit(policyholder=policyholder, kind=kind, idempotency_key="x", details="停止してほしい",
                             **identity)
    cells = [[life.pk if company == "LIFE" else company, channel] for company, channel in cells]
    with pytest.raises(ValidationError):
        reply_write(request=request, author=writer, body="対応します。", outcome=outcome, reason="理由",
                    marketing_cells=cells)
    assert not Reply.objects.exists() and not ConsentEvent.objects.exists()


def test_staff_choose_the_cells_in_the_admin(policyholder, life, writer):
    request = suspension(policyholder)
    client = Client()
    client.force_login(writer)
    page = client.get(f"/admin/desk/customerrequest/{request.pk}/change/").content.decode()
    assert f'value="{life.pk}:direct_mail"' in page
    response = client.post(f"/admin/desk/customerrequest/{request.pk}/step/draft/", {
        "reply-body": "停止いたしました。", "reply-outcome": "done",
        "reply-marketing_cells": [f"{life.pk}:direct_mail"],
    })
    assert response.status_code == 302
    assert Reply.objects.get().marketing_cells == [[life.pk, "direct_mail"]]
    assert not ConsentEvent.objects.exists()
