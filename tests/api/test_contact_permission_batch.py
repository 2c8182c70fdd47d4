"""POST /api/v1/contact-permission/batch: up to 1,000 customers of one company and channel."""

import json
import types

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from consents.models import ConsentEvent
from customers.models import Policyholder
from tests.api.conftest import change
from tests.factories import PolicyholderFactory

URL = "/api/v1/contact-permission/batch"


def batch(call, body, **kwargs):
    return call("post", URL, data=json.dumps(body), content_type="application/json", **kwargs)


def many_policyholders(count):
    Policyholder.objects.bulk_create(
        Policyholder(customer_number=f"B{n:09d}", name=f"顧客{n}") for n in range(count)
    )
    return [f"B{n:09d}" for n in range(count)]


def test_it_answers_for_each_customer_and_lists_the_unknown(call, life):
    stopped, untouched = PolicyholderFactory(), PolicyholderFactory()
    result = change(stopped, {(life.pk, "direct_mail"): False})
    customers = [stopped.customer_number, "NOSUCH0001", untouched.customer_number, stopped.customer_number]
    body = {"company": life.pk, "channel": "direct_mail", "customers": customers}
    response = batch(call, body)
    assert response.status_code == 200
    data = response.json()
    assert data["not_found"] == ["NOSUCH0001"]
    assert [(r["customer"], r["allowed"]) for r in data["results"]] == [
        (stopped.customer_number, False),
        (untouched.customer_number, True),
    ]
    assert data["results"][0]["decided_by"]["receipt"] == result.receipt.number
    assert data["results"][1]["decided_by"]["kind"] == "default"
    assert data["notice_version"]["effective_date"] == "2019-06-03"


def test_a_thousand_customers_take_as_many_queries_as_one(call, life, django_assert_num_queries, monkeypatch):
    # The memos' clock stands still, so that a slow machine cannot let one expire between the calls compared.
    monkeypatch.setattr("core.memo.time", types.SimpleNamespace(monotonic=lambda: 0.0))
    numbers = many_policyholders(1000)
    for holder in Policyholder.objects.order_by("pk")[:50]:
        change(holder, {(life.pk, "direct_mail"): False})
    body = {"company": life.pk, "channel": "direct_mail"}
    batch(call, {**body, "customers": numbers[:1]})  # first call: last_used_at is written

    with CaptureQueriesContext(connection) as one:
        batch(call, {**body, "customers": numbers[:1]})
    with CaptureQueriesContext(connection) as thousand:
        response = batch(call, {**body, "customers": numbers})
    assert len(thousand) == len(one) <= 8

    with django_assert_num_queries(len(one)):
        response = batch(call, {**body, "customers": numbers})
    results = response.json()["results"]
    assert len(results) == 1000
    assert sum(not r["allowed"] for r in results) == 50


def test_1001_customers_get_422_and_change_nothing(call, life):
    numbers = many_policyholders(1001)
    response = batch(call, {"company": life.pk, "channel": "direct_mail", "customers": numbers})
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert "body.customers" in response.json()["detail"]
    assert not ConsentEvent.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        {"company": None, "channel": "direct_mail", "customers": ["C000000001"]},
        {"company": "楽天生命", "channel": "direct_mail", "customers": ["C000000001"]},
        {"channel": "fax", "customers": ["C000000001"]},
        {"channel": "direct_mail", "customers": ["C００００００１"]},
        {"channel": "direct_mail", "customers": []},
        {"channel": "direct_mail", "customers": "C000000001"},
        {"channel": "direct_mail", "customers": ["C000000001"], "customer": "C000000002"},
    ],
)
def test_bad_bodies_get_422(call, life, body):
    body = {"company": life.pk, **body}
    response = batch(call, {key: value for key, value in body.items() if value is not None})
    assert response.status_code == 422
    assert response.json()["title"] == "リクエストの内容に誤りがあります"


def test_a_body_that_is_not_json_gets_422(call, life):
    response = call("post", URL, data="{customers: [", content_type="application/json")
    assert response.status_code == 422
    assert response.json()["detail"] == "リクエスト本文をJSONとして読み取れません。"


def test_a_10_mb_body_gets_413(call, life):
    body = json.dumps({"company": life.pk, "channel": "phone", "customers": ["C000000001"] * 900_000})
    assert len(body) > 10_000_000
    response = call("post", URL, data=body, content_type="application/json")
    assert response.status_code == 413
    assert response["Content-Type"] == "application/problem+json"
    assert "大きすぎ" in response.json()["title"]


def test_another_companys_batch_gets_403(call, nonlife):
    response = batch(call, {"company": nonlife.pk, "channel": "phone", "customers": ["C000000001"]})
    assert response.status_code == 403
