"""Stopping marketing under the joint use: applied at once through the preference service (source
"request", under the request's number), so the API answers allowed: false straight away."""

import uuid

import pytest
from django.core import mail

from consents.models import ConsentEvent, Source
from desk.models import CustomerRequest
from tests.factories import ApiClientFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/contact-permission"


def ask(client, vendor, holder, company, channel):
    response = client.get(URL, {"customer": holder.customer_number, "company": company.pk, "channel": channel},
                          headers={"Authorization": f"Bearer {vendor.token}"})
    assert response.status_code == 200
    return response.json()


def test_the_api_says_no_as_soon_as_the_request_is_made(client, customer, policyholder, life, nonlife):
    vendor = ApiClientFactory(companies=[life, nonlife])
    assert ask(client, vendor, policyholder, life, "direct_mail")["allowed"] is True
    response = customer.post("/my/requests/new/", {"kind": "marketing_stop", "idempotency_key": uuid.uuid4().hex})
    request = CustomerRequest.objects.get()
    assert response["Location"] == request.get_absolute_url()

    for company in (life, nonlife):
        for channel in ("direct_mail", "phone", "web_ads", "email"):
            answer = ask(client, vendor, policyholder, company, channel)
            assert answer["allowed"] is False, (company, channel)
    answer = ask(client, vendor, policyholder, life, "direct_mail")
    assert answer["decided_by"]["source"] == "request"
    events = ConsentEvent.objects.filter(policyholder=policyholder)
    assert events.exists() and {e.source for e in events} == {Source.REQUEST}
    assert {e.reason for e in events} == {request.number}
    assert events.first().receipt.idempotency_key == f"request-{request.number}"

    # Answered and closed at once; the page says so and names the receipt of the change.
    request.refresh_from_db()
    assert (request.status, request.outcome) == ("closed", "done")
    page = customer.get(request.get_absolute_url()).content.decode()
    receipt = events.first().receipt.number
    assert receipt in page and "停止しました" in page
    # The customer hears of it: the acknowledgment (which carries the answer) and the change's receipt.
    subjects = [m.subject for m in mail.outbox]
    assert any(request.number in s for s in subjects) and any(receipt in s for s in subjects)
    acknowledgment = next(m for m in mail.outbox if request.number in m.subject)
    assert "停止しました" in acknowledgment.body
    history = customer.get("/my/history/").content.decode()
    assert "ご案内停止のご請求" in history and request.number in history


def test_a_second_stop_changes_nothing_and_says_so(customer, policyholder):
    for _ in range(2):
        customer.post("/my/requests/new/", {"kind": "marketing_stop", "idempotency_key": uuid.uuid4().hex})
    first, second = CustomerRequest.objects.order_by("id")
    assert ConsentEvent.objects.filter(receipt__idempotency_key=f"request-{second.number}").count() == 0
    assert "すでに停止されていました" in second.replies.get().body
