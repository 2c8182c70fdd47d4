"""Staff record receipt of a request's fee (手数料): how much, how, on which day, recorded by whom. Only desk
staff can: a customer's attempt, a future date or a bad amount is a Japanese 4xx and writes nothing."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client

from desk.company_records import company_task_answer
from desk.fee_receipts import fee_receipt_record
from desk.models import FeeReceipt, RequestFee
from desk.services import reply_send, reply_write, request_submit
from tests.desk.conftest import IDENTITY

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2027, 3, 10, 1, tzinfo=datetime.UTC)


@pytest.fixture
def request_(policyholder, life):
    # A fee of 500 yen for a 開示 of 楽天生命 online, copied onto the request when it is made.
    RequestFee.objects.update_or_create(company=life, kind="disclosure", route="online",
                                        defaults={"amount": 500, "payment": "postal_order"})
    with time_machine.travel(NOW - datetime.timedelta(days=2), tick=False):
        return request_submit(policyholder=policyholder, kind="disclosure", delivery="paper", idempotency_key="f",
                              company=life, **IDENTITY)


def staff(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def url(request):
    return f"/admin/desk/customerrequest/{request.pk}/step/fee/"


def test_staff_record_the_fee_and_see_it_on_the_request(request_, writer):
    with time_machine.travel(NOW, tick=False):
        response = staff(writer).post(url(request_), {
            "fee-amount": "500", "fee-method": "postal_order", "fee-received_on": "2027-03-09",
        })
        assert response.status_code == 302
        receipt = FeeReceipt.objects.get()
        assert (receipt.amount, receipt.method, receipt.received_on, receipt.recorded_by) == (
            500, "postal_order", datetime.date(2027, 3, 9), writer)
        page = staff(writer).get(f"/admin/desk/customerrequest/{request_.pk}/change/").content.decode()
    assert "定額小為替" in page and "500" in page and "手数料の受領を記録する" not in page


def test_a_request_with_a_fee_is_answered_only_once_the_fee_is_received(request_, writer):
    draft = reply_write(request=request_, author=writer, body="開示いたします。", outcome="done")
    for task in request_.company_tasks.all():
        company_task_answer(task=task, actor=writer, not_held=True)
    with pytest.raises(ValidationError, match="手数料の受領を記録"):
        reply_send(reply=draft, actor=writer)
    with time_machine.travel(NOW, tick=False):
        fee_receipt_record(request=request_, actor=writer, amount=500, method="postal_order",
                           received_on=datetime.date(2027, 3, 9))
    reply_send(reply=draft, actor=writer)
    request_.refresh_from_db()
    assert request_.status == "closed"


def test_a_request_without_a_fee_has_no_receipt_to_record(policyholder, writer):
    request = request_submit(policyholder=policyholder, kind="purpose", idempotency_key="free")
    assert request.fee_amount == 0
    with pytest.raises(ValidationError, match="手数料はかかりません"):
        fee_receipt_record(request=request, actor=writer, amount=500, method="postal_order",
                           received_on=datetime.date.today())
    assert not FeeReceipt.objects.exists()


@pytest.mark.parametrize(("data", "message"), [
    ({"fee-amount": "0", "fee-method": "postal_order", "fee-received_on": "2027-03-09"}, ""),
    ({"fee-amount": "500", "fee-method": "bitcoin", "fee-received_on": "2027-03-09"}, ""),
    ({"fee-amount": "500", "fee-method": "bank_transfer", "fee-received_on": "2027-03-11"}, "未来の日付"),
    ({"fee-amount": "", "fee-method": "bank_transfer", "fee-received_on": "2027-03-09"}, ""),
    ({"fee-amount": "800", "fee-method": "postal_order", "fee-received_on": "2027-03-09"},
     "手数料（500円）と異なります"),
])
def test_bad_input_is_a_400_and_nothing_is_written(request_, writer, data, message):
    with time_machine.travel(NOW, tick=False):
        response = staff(writer).post(url(request_), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not FeeReceipt.objects.exists()


def test_the_fee_is_recorded_once(request_, writer):
    with time_machine.travel(NOW, tick=False):
        fee_receipt_record(request=request_, actor=writer, amount=500, method="bank_transfer",
                           received_on=datetime.date(2027, 3, 9))
        with pytest.raises(ValidationError, match="すでに記録"):
            fee_receipt_record(request=request_, actor=writer, amount=500, method="bank_transfer",
                               received_on=datetime.date(2027, 3, 9))
    assert FeeReceipt.objects.count() == 1


def test_a_customer_cannot_record_a_fee(customer, request_):
    response = customer.post(url(request_), {
        "fee-amount": "500", "fee-method": "bank_transfer", "fee-received_on": "2027-03-09",
    })
    assert response.status_code == 403 and "受付窓口の担当者のみ" in response.content.decode()
    response = customer.post(request_.get_absolute_url(), {"amount": "500"})
    assert response.status_code == 405
    assert customer.get(url(request_)).status_code == 403
    assert not FeeReceipt.objects.exists()
