"""A company that joins the joint use on the customers' consent (通則ガイドライン 3-6-3) may contact only the
customers who consented, or who became customers after it joined; the answers change nothing for the other
companies."""

import datetime
import json

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from api.selectors import cursor_issue
from consents.models import Channel
from consents.services import consent_answer_record
from notices.models import NoticeVersion
from tests.api.conftest import change
from tests.factories import ApiClientFactory
from tests.reconsent import consent_version, customer_since, days, new_company


@pytest.fixture
def joiner(demo_content):
    return new_company(legal_name="楽天カード株式会社", short_name="楽天カード")


@pytest.fixture
def customers(joiner):
    """Four customers of a version in force for ten days that added 楽天カード on consent."""
    version = consent_version(effective_date=days(-10), add=[joiner])
    consented = customer_since(days(-400), customer_number="C000000001")
    declined = customer_since(days(-400), customer_number="C000000002")
    silent = customer_since(days(-400), customer_number="C000000003")
    newer = customer_since(days(-3), customer_number="C000000004")
    consent_answer_record(policyholder=consented, version_id=version.pk, consent=True)
    consent_answer_record(policyholder=declined, version_id=version.pk, consent=False)
    return {"version": version, "consented": consented, "declined": declined, "silent": silent, "newer": newer}


@pytest.fixture
def send(client, life, joiner):
    token = ApiClientFactory(companies=[life, joiner]).token

    def send(method, path, **kwargs):
        return getattr(client, method)(path, headers={"Authorization": f"Bearer {token}",
                                                      **kwargs.pop("headers", {})}, **kwargs)
    return send


def check(send, customer, company, channel="direct_mail"):
    response = send("get", f"/api/v1/contact-permission?customer={customer.customer_number}&company={company.pk}"
                           f"&channel={channel}")
    assert response.status_code == 200, response.content
    body = response.json()
    return body["allowed"], body["decided_by"]["kind"]


def test_the_added_company_may_contact_only_those_who_consented_or_joined_later(send, customers, joiner):
    assert check(send, customers["consented"], joiner) == (True, "default")
    assert check(send, customers["declined"], joiner) == (False, "declined_joint_use")
    assert check(send, customers["silent"], joiner) == (False, "joint_use_not_consented")
    assert check(send, customers["newer"], joiner) == (True, "default")


def test_the_answers_change_nothing_for_the_companies_that_were_joint_users_already(send, customers, life):
    for key in ("consented", "declined", "silent", "newer"):
        assert check(send, customers[key], life) == (True, "default")


def test_a_customers_own_choice_still_applies_once_they_consented(send, customers, joiner):
    change(customers["consented"], {(joiner.pk, "direct_mail"): False})
    assert check(send, customers["consented"], joiner) == (False, "event")
    # Allowing the channel does not override a refusal of the joint use itself.
    change(customers["declined"], {(joiner.pk, "email"): True})
    assert check(send, customers["declined"], joiner, "email") == (False, "declined_joint_use")


def test_a_changed_answer_counts_from_then_on(send, customers, joiner):
    consent_answer_record(policyholder=customers["declined"], version_id=customers["version"].pk, consent=True)
    consent_answer_record(policyholder=customers["consented"], version_id=customers["version"].pk, consent=False)
    assert check(send, customers["declined"], joiner) == (True, "default")
    assert check(send, customers["consented"], joiner) == (False, "declined_joint_use")


def test_the_batch_agrees_with_the_check(send, customers, joiner):
    numbers = [customers[key].customer_number for key in ("consented", "declined", "silent", "newer")]
    response = send("post", "/api/v1/contact-permission/batch", content_type="application/json",
                    data={"company": joiner.pk, "channel": "direct_mail", "customers": numbers})
    assert response.status_code == 200
    results = [(r["allowed"], r["decided_by"]["kind"]) for r in response.json()["results"]]
    assert results == [(True, "default"), (False, "declined_joint_use"), (False, "joint_use_not_consented"),
                       (True, "default")]


def export(send, company, channel="direct_mail", since=None):
    path = f"/api/v1/do-not-contact?company={company.pk}&channel={channel}" + (f"&since={since}" if since else "")
    response = send("get", path, headers={"Accept": "application/x-ndjson"})
    assert response.status_code == 200
    rows = [json.loads(line) for line in b"".join(response.streaming_content).decode().splitlines()]
    return {row["customer"]: row["allowed"] for row in rows}, response["X-Next-Cursor"]


def test_the_do_not_contact_export_lists_those_who_did_not_consent(send, customers, joiner, life):
    rows, _cursor = export(send, joiner)
    assert rows == {"C000000002": False, "C000000003": False}
    rows, _cursor = export(send, joiner, channel="email")  # opt-in: nobody opted in
    assert set(rows) == {"C000000001", "C000000002", "C000000003", "C000000004"}
    assert export(send, life)[0] == {}


def test_an_incremental_export_reports_changed_answers(send, customers, joiner, monkeypatch):
    monkeypatch.setattr("api.selectors.CURSOR_GRACE", datetime.timedelta(0))
    _rows, cursor = export(send, joiner)
    consent_answer_record(policyholder=customers["declined"], version_id=customers["version"].pk, consent=True)
    consent_answer_record(policyholder=customers["consented"], version_id=customers["version"].pk, consent=False)
    rows, _cursor = export(send, joiner, since=cursor)
    assert rows == {"C000000002": True, "C000000001": False}


def test_a_cursor_from_before_the_version_took_effect_asks_for_a_full_export(send, joiner, life):
    cursor = cursor_issue(company_id=joiner.pk, channel=Channel.objects.get(code="direct_mail"))
    consent_version(effective_date=days(-1), add=[joiner])
    response = send("get", f"/api/v1/do-not-contact?company={joiner.pk}&channel=direct_mail&since={cursor}")
    assert response.status_code == 422
    assert response.json()["type"].endswith("invalid-cursor")


def test_an_announced_version_changes_nothing_before_its_date(send, joiner, life):
    version = consent_version(effective_date=days(30), add=[joiner])
    customer = customer_since(days(-400), customer_number="C000000009")
    consent_answer_record(policyholder=customer, version_id=version.pk, consent=False)
    assert check(send, customer, joiner) == (False, "not_joint_user")
    assert check(send, customer, life) == (True, "default")


def test_a_company_added_on_another_ground_needs_no_answer(send, joiner):
    consent_version(effective_date=days(-10), add=[joiner], ground=NoticeVersion.Ground.SUCCESSION)
    customer = customer_since(days(-400), customer_number="C000000008")
    assert check(send, customer, joiner) == (True, "default")


def test_a_check_on_a_company_that_joined_on_consent_is_still_one_query(send, customers, joiner):
    check(send, customers["silent"], joiner)  # warms the memos
    with CaptureQueriesContext(connection) as captured:
        assert check(send, customers["silent"], joiner) == (False, "joint_use_not_consented")
    assert len(captured) == 1


def test_resuming_from_a_webhook_event_before_the_version_took_effect_asks_for_a_full_export(send, joiner, life):
    """A webhook id is a cursor too: one from before the consent version cannot carry the customers who were asked
    and never answered, so it is refused like a signed cursor of that age; one from after it is taken."""
    customer = customer_since(days(-400), customer_number="C000000011")
    with time_machine.travel(timezone.now() - datetime.timedelta(days=3)):
        earlier = change(customer, {(life.pk, "direct_mail"): False})
    consent_version(effective_date=days(-1), add=[joiner])
    later = change(customer, {(life.pk, "direct_mail"): True})
    url = f"/api/v1/do-not-contact?company={joiner.pk}&channel=direct_mail&since=ce_"
    response = send("get", url + str(earlier.events[0].pk))
    assert response.status_code == 422
    assert response.json()["type"].endswith("invalid-cursor")
    assert send("get", url + str(later.events[0].pk)).status_code == 200
