"""Staff record receipt of a request's fee (手数料): how much, how, on which day, recorded by whom. Only desk
staff can: a customer's attempt, a future date or a bad amount is a Japanese 4xx and writes nothing."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client

from desk.fee_receipts import fee_receipt_record
from desk.models import FeeReceipt
from desk.services import request_submit

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2027, 3, 10, 1, tzinfo=datetime.UTC)


@pytest.fixture
def request_(policyholder):
    with time_machine.travel(NOW - datetime.timedelta(days=2), tick=False):
        return request_submit(policyholder=policyholder, kind="disclosure", delivery="paper", idempotency_key="f")


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


@pytest.mark.parametrize(("data", "message"), [
    ({"fee-amount": "0", "fee-method": "bank_transfer", "fee-received_on": "2027-03-09"}, ""),
    ({"fee-amount": "500", "fee-method": "bitcoin", "fee-received_on": "2027-03-09"}, ""),
    ({"fee-amount": "500", "fee-method": "bank_transfer", "fee-received_on": "2027-03-11"}, "未来の日付"),
    ({"fee-amount": "", "fee-method": "bank_transfer", "fee-received_on": "2027-03-09"}, ""),
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
