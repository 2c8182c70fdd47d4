"""GET /api/v1/contact-permission: one customer, one company, one channel."""

import logging

import pytest
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from api.models import ApiClient
from tests.api.conftest import change
from tests.factories import ApiClientFactory, PolicyholderFactory

URL = "/api/v1/contact-permission"


def ask(call, customer, company, channel="direct_mail", **kwargs):
    return call("get", URL, data={"customer": customer, "company": company, "channel": channel}, **kwargs)


def test_it_reports_the_default_until_the_customer_chooses(call, life):
    holder = PolicyholderFactory()
    body = ask(call, holder.customer_number, life.pk).json()
    assert body["allowed"] is True
    assert body["since"] is None
    assert body["decided_by"] == {"kind": "default", "event_id": None, "receipt": None, "source": None}
    assert body["notice_version"]["effective_date"] == "2019-06-03"
    assert body["notice_version"]["url"].endswith("/notices/group-joint-use/2019-06-03/")


def test_email_is_not_allowed_without_an_opt_in(call, life):
    holder = PolicyholderFactory()
    assert ask(call, holder.customer_number, life.pk, "email").json()["allowed"] is False


def test_a_customer_who_turned_off_direct_mail_is_not_allowed(call, life, nonlife):
    holder = PolicyholderFactory()
    result = change(holder, {(life.pk, "direct_mail"): False})
    response = ask(call, holder.customer_number, life.pk)
    assert response.status_code == 200
    body = response.json()
    assert body["allowed"] is False
    assert body["customer"] == holder.customer_number and body["company"] == life.pk
    assert body["decided_by"] == {
        "kind": "event",
        "event_id": result.events[0].pk,
        "receipt": result.receipt.number,
        "source": "portal",
    }
    assert body["since"].startswith(timezone.localdate().isoformat()) and body["since"].endswith("+09:00")
    # Other channels of the same company keep their default.
    assert ask(call, holder.customer_number, life.pk, "phone").json()["allowed"] is True


def test_a_client_gets_403_for_a_company_outside_its_scope(call, nonlife):
    holder = PolicyholderFactory()
    response = ask(call, holder.customer_number, nonlife.pk)
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 403 and problem["type"].endswith("company-out-of-scope")
    assert "会社" in problem["detail"]


def test_a_revoked_token_gets_401(call, vendor, life):
    holder = PolicyholderFactory()
    vendor.revoked_at = timezone.now()
    vendor.save()
    response = ask(call, holder.customer_number, life.pk)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert "無効" in response.json()["detail"]


@pytest.mark.parametrize(
    "authorization", [None, "Bearer ", "Bearer pp_00000000_" + "A" * 43, "Basic dXNlcjpwYXNz", "Bearer x"]
)
def test_no_or_a_wrong_token_gets_401(client, life, authorization):
    holder = PolicyholderFactory()
    headers = {"Authorization": authorization} if authorization else {}
    params = {"customer": holder.customer_number, "company": life.pk, "channel": "phone"}
    response = client.get(URL, params, headers=headers)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["title"] == "認証が必要です"


def test_the_token_is_not_stored_in_clear(vendor):
    assert ApiClient.objects.filter(pk=vendor.pk).exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM api_apiclient")
        rows = cursor.fetchall()
    assert rows and not any(vendor.token in str(value) for row in rows for value in row)
    assert not any(vendor.token.split("_", 2)[2] in str(value) for row in rows for value in row)


def test_an_unknown_customer_gets_404(call, life):
    response = ask(call, "ZZ9999999", life.pk)
    assert response.status_code == 404
    assert response.json()["detail"] == "このお客さま番号のお客さまは見つかりません。"


@pytest.mark.parametrize(
    ("params", "location"),
    [
        ({"customer": "C０００００００１"}, "query.customer"),  # full-width digits
        ({"customer": "c000000001"}, "query.customer"),
        ({"channel": "fax"}, "query.channel"),
        ({"company": "abc"}, "query.company"),
        ({"company": None}, "query.company"),
        ({"chanel": "phone"}, "query.chanel"),  # a typo is refused, not ignored
    ],
)
def test_bad_parameters_get_422_problem_details(call, life, params, location):
    holder = PolicyholderFactory(customer_number="C000000001")
    data = {"customer": holder.customer_number, "company": life.pk, "channel": "phone", **params}
    response = call("get", URL, data={k: v for k, v in data.items() if v is not None})
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 422 and location in problem["detail"]
    assert location in [error["location"] for error in problem["errors"]]
    # The value sent is not echoed back.
    assert "０" not in response.content.decode()


@override_settings(API_RATE_LIMIT=3)
def test_a_client_over_its_rate_gets_429_and_others_do_not(call, life):
    holder = PolicyholderFactory()
    statuses = [ask(call, holder.customer_number, life.pk).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    limited = ask(call, holder.customer_number, life.pk)
    assert 1 <= int(limited["Retry-After"]) <= 60
    assert limited.json()["status"] == 429
    other = ApiClientFactory(companies=[life])
    assert ask(call, holder.customer_number, life.pk, token=other.token).status_code == 200


def test_every_call_leaves_one_line_naming_its_client_never_the_customer(call, vendor, life, caplog):
    holder = PolicyholderFactory()
    with caplog.at_level(logging.INFO):
        ask(call, holder.customer_number, life.pk)
        ask(call, holder.customer_number, life.pk, token="pp_bad")
    info = [record for record in caplog.records if record.levelno == logging.INFO]
    assert [record.name for record in info] == ["privacy_portal.requests"] * 2
    assert [(record.route, record.status, getattr(record, "client", None)) for record in info] == [
        (URL, 200, vendor.pk),
        (URL, 401, None),  # no client: the token was not accepted
    ]
    assert info[0].getMessage().endswith(f" client={vendor.pk}")
    assert not any(holder.customer_number in record.getMessage() for record in caplog.records)


def test_it_records_when_the_client_was_last_used(call, vendor, life):
    assert vendor.last_used_at is None
    ask(call, PolicyholderFactory().customer_number, life.pk)
    vendor.refresh_from_db()
    assert vendor.last_used_at is not None


def test_answers_are_not_cached(call, life):
    response = ask(call, PolicyholderFactory().customer_number, life.pk)
    assert "no-store" in response["Cache-Control"]


def test_a_repeated_parameter_is_refused_not_the_last_one_taken(call, life, nonlife):
    holder = PolicyholderFactory()
    # The client may ask about life only: answering for the last company given would hide the first.
    url = f"/api/v1/contact-permission?customer={holder.customer_number}&company={nonlife.pk}&company={life.pk}"
    response = call("get", url + "&channel=direct_mail")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"] == "各パラメーターは1回だけ指定してください：company。"
    twice = call("get", f"/api/v1/contact-permission?customer={holder.customer_number}&company={life.pk}"
                        "&channel=direct_mail&channel=email")
    assert twice.status_code == 400 and "channel" in twice.json()["detail"]
