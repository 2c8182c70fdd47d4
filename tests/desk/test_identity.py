"""証券番号 + 生年月日 before a 開示, 訂正等, 利用停止等 or 第三者提供の停止 is accepted: a wrong pair, another
customer's policy number or a forged result is refused in Japanese with nothing stored; attempts are limited;
the method is recorded on the request and shown to staff."""

import datetime
import logging
import uuid

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client

from customers.models import Policy
from desk.models import CustomerRequest
from desk.services import request_submit
from disclosure.models import DisclosurePackage
from tests import personas
from tests.factories import PolicyholderFactory

from .conftest import IDENTITY, IDENTITY_FORM

pytestmark = pytest.mark.django_db

WRONG = "証券番号と生年月日が、当社の記録と一致しません。"


def form(kind="disclosure", **extra):
    data = {"kind": kind, "idempotency_key": uuid.uuid4().hex, "details": "誤りがあります", **IDENTITY_FORM, **extra}
    if kind == "disclosure":
        data.setdefault("delivery", "electronic")
    return data


def nothing_stored():
    return not CustomerRequest.objects.exists() and not DisclosurePackage.objects.exists() and not mail.outbox


@pytest.mark.parametrize("kind", ["disclosure", "correction", "suspension", "third_party_stop"])
def test_a_matching_pair_is_accepted_and_recorded(customer, policyholder, kind):
    response = customer.post("/my/requests/new/", form(kind, policy_number=" ｌ－０００１ "))  # full width, spaces
    assert response.status_code == 302
    request = CustomerRequest.objects.get()
    assert request.identity_method == "policy_match" and request.identity_checked_at is not None
    assert request.identity_reference == "楽天生命保険株式会社 L-0001"
    assert "1985" not in request.identity_reference  # the date of birth is not kept
    assert "証券番号と生年月日がご契約の記録と一致" in customer.get(request.get_absolute_url()).content.decode()


@pytest.mark.parametrize(
    "data",
    [
        {"policy_number": "L-0002"},
        {"birth_date": "1985-04-02"},
        {"policy_number": "L-0001", "birth_date": "2000-01-01"},
    ],
)
def test_a_wrong_pair_is_refused_in_japanese_and_nothing_is_stored(customer, policyholder, data, caplog):
    with caplog.at_level(logging.WARNING, logger="desk.identity"):
        response = customer.post("/my/requests/new/", form(**data))
    assert response.status_code == 400 and WRONG in response.content.decode()
    assert nothing_stored()
    # Logged, without the number, the date or the customer number.
    record = next(r for r in caplog.records if r.name == "desk.identity")
    text = record.getMessage()
    assert "Identity check failed" in text and "L-000" not in text and policyholder.customer_number not in text


def test_another_customers_policy_number_and_birth_date_are_refused(customer, policyholder, nonlife):
    other = PolicyholderFactory(birth_date=datetime.date(1970, 1, 1))
    Policy.objects.create(policyholder=other, company=nonlife, policy_number="N-9999", product="自動車保険")
    response = customer.post("/my/requests/new/", form(policy_number="N-9999", birth_date="1970-01-01"))
    assert response.status_code == 400 and WRONG in response.content.decode()
    # Their number with the customer's own birth date is as wrong.
    response = customer.post("/my/requests/new/", form(policy_number="N-9999"))
    assert response.status_code == 400 and WRONG in response.content.decode()
    assert nothing_stored()


@pytest.mark.parametrize("kind", ["disclosure", "correction", "suspension", "third_party_stop"])
def test_the_pair_is_required(customer, kind):
    response = customer.post("/my/requests/new/", form(kind, policy_number="", birth_date=""))
    text = response.content.decode()
    assert response.status_code == 400
    assert "ご本人確認のため、証券番号を入力してください。" in text
    assert "ご本人確認のため、生年月日を入力してください。" in text
    assert nothing_stored()


def test_a_notification_of_purposes_needs_no_pair(customer):
    response = customer.post("/my/requests/new/", form("purpose", policy_number="", birth_date=""))
    assert response.status_code == 302
    assert CustomerRequest.objects.get().identity_method == ""


@pytest.mark.parametrize(
    "forged",
    [
        {"identity_method": "policy_match"},
        {"identity_verified": "1"},
        {"identity_reference": "楽天生命保険株式会社 L-0001"},
        {"policy_id": "1"},
        {"customer_number": "C000000999"},
        {"policyholder": "2"},
    ],
)
def test_a_forged_match_or_another_customer_is_refused(customer, forged):
    response = customer.post("/my/requests/new/", form(policy_number="", birth_date="", **forged))
    assert response.status_code == 400
    assert "本人確認の結果は当社が記録するもので" in response.content.decode()
    assert nothing_stored()


def test_the_service_refuses_whatever_page_calls_it(policyholder):
    with pytest.raises(ValidationError) as refused:
        request_submit(policyholder=policyholder, kind="disclosure", delivery="paper", idempotency_key="k")
    assert refused.value.code == "identity"
    with pytest.raises(ValidationError):
        request_submit(policyholder=policyholder, kind="disclosure", delivery="paper", idempotency_key="k",
                       policy_number="L-0001", birth_date=datetime.date(1990, 1, 1))
    assert not CustomerRequest.objects.exists()


def test_a_policyholder_with_no_birth_date_on_record_cannot_match(customer, policyholder):
    policyholder.birth_date = None
    policyholder.save()
    response = customer.post("/my/requests/new/", form())
    assert response.status_code == 400 and WRONG in response.content.decode()


def test_attempts_are_limited(customer, policyholder):
    for _ in range(5):
        assert customer.post("/my/requests/new/", form(birth_date="1999-09-09")).status_code == 400
    response = customer.post("/my/requests/new/", form())  # even the right pair, once the limit is reached
    assert response.status_code == 429 and "入力回数が上限に達しました" in response.content.decode()
    assert response["Retry-After"] == "3600"
    assert nothing_stored()


def test_staff_see_the_method_in_the_admin(customer, policyholder):
    request = request_submit(policyholder=policyholder, kind="correction", details="住所", idempotency_key="k",
                             **IDENTITY)
    staff = Client()
    staff.force_login(personas.support("writer"))
    page = staff.get(f"/admin/desk/customerrequest/{request.pk}/change/").content.decode()
    assert "本人確認の方法" in page and "証券番号と生年月日がご契約の記録と一致" in page
    assert "楽天生命保険株式会社 L-0001" in page
    listing = staff.get("/admin/desk/customerrequest/?identity_method=policy_match").content.decode()
    assert request.number in listing


def test_the_number_is_read_as_printed_whatever_the_keyboard():
    from desk.identity import policy_number_normalise

    for typed in ["L-0001", " l-0001 ", "Ｌ－０００１", "L‐0001", "L−0001", "Lー0001"]:
        assert policy_number_normalise(typed) == "L-0001", typed
