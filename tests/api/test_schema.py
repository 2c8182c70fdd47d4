"""schemathesis fuzzes every operation of /api/v1/openapi.json, valid and invalid input, with a valid
token: no 5xx, and every answer (status, media type, headers, body) is one the schema declares."""

import re

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from notices.models import Company
from privacy_portal.wsgi import application
from tests.api.conftest import change
from tests.factories import ApiClientFactory, PolicyholderFactory

KNOWN = ["C000000001", "ABC123", "000000"]


@pytest.fixture
def scoped(demo_content):
    """The client's companies: all marketing companies but one, so that 200s and 403s both occur."""
    companies = list(Company.objects.filter(markets_to_customers=True))
    for number in KNOWN:
        holder = PolicyholderFactory(customer_number=number)
        change(holder, {(companies[0].pk, "direct_mail"): False, (companies[0].pk, "email"): True})
    client = ApiClientFactory(companies=companies[:-1])
    return client.token, [company.pk for company in companies]


@pytest.fixture
def keep_connection():
    """The real WSGI handler closes the database connection after each request; the test client does
    not, and neither may this: the test's transaction lives on that connection (PostgreSQL)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def aim(case, company_ids):
    """Point most generated ids and numbers at data that exists, or nearly every answer is a 403 or 404."""
    if isinstance(case.query, dict):
        for name, value in case.query.items():
            # The transport drops a parameter whose value is None: send the unknown one for real.
            if value is None and name not in {"customer", "company", "channel", "since"}:
                case.query[name] = "null"
    for container in (case.query, case.body):
        if not isinstance(container, dict):
            continue
        # Only values that are already valid are moved, so a negative case stays negative.
        if type(container.get("company")) is int and container["company"] >= 1 and container["company"] % 4:
            container["company"] = company_ids[container["company"] % len(company_ids)]
        customer = container.get("customer")
        if isinstance(customer, str) and re.fullmatch(r"[A-Z0-9]{6,20}", customer) and len(customer) % 2:
            container["customer"] = KNOWN[len(customer) % len(KNOWN)]


# Loaded at collection (schemathesis' lazy fixture loader does not work with pytest 9); serving the
# schema needs no database.
def from_a_client(environ, start_response):
    """What a WSGI server gives every request and schemathesis' test client does not: the client's
    address (a request without one is refused, core.clientaddress)."""
    environ["REMOTE_ADDR"] = environ.get("REMOTE_ADDR") or "192.0.2.1"
    return application(environ, start_response)


schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", from_a_client)


@schema.parametrize()
@hypothesis_settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_the_api_keeps_to_its_schema(case, scoped, settings, keep_connection):
    settings.API_RATE_LIMIT = 0
    token, company_ids = scoped
    aim(case, company_ids)
    excluded = []
    if case.operation.path == "/api/v1/do-not-contact":
        # Any string is a schema-valid `since`, but only a cursor we signed is accepted (422 otherwise,
        # as documented): a schema cannot say "signed by us", so this one check cannot apply here.
        excluded.append(positive_data_acceptance)
    if case.operation.path == "/api/v1/preference-changes":
        # A schema-valid occurred_at may be years ago or in the future, and allowed and suppression may both be
        # null: refused with a 422 as documented (a window around today, one of the two), which no schema can say.
        excluded.append(positive_data_acceptance)
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, excluded_checks=excluded)


def test_the_schema_is_served_and_declares_problem_details(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert set(schema["paths"]) == {
        "/api/v1/contact-permission",
        "/api/v1/contact-permission/batch",
        "/api/v1/do-not-contact",
        "/api/v1/preference-changes",
        "/api/v1/unsubscribe-links",
    }
    export = schema["paths"]["/api/v1/do-not-contact"]["get"]["responses"]
    assert set(export["200"]["content"]) == {"text/csv", "application/x-ndjson"}
    assert "X-Next-Cursor" in export["200"]["headers"]
    for path in schema["paths"].values():
        for operation in path.values():
            for status, response in operation["responses"].items():
                if int(status) >= 400:
                    assert list(response["content"]) == ["application/problem+json"], (status, operation)
