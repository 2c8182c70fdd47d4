"""The queries of each API call once the per-process memos are warm: a regression fails here."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import PolicyholderFactory


@pytest.fixture
def customer(db):
    return PolicyholderFactory(customer_number="C000000001")


def queries_of(send) -> int:
    send()  # warms the memos (client, channel, version in force) and writes last_used_at
    with CaptureQueriesContext(connection) as captured:
        response = send()
        b"".join(response.streaming_content) if response.streaming else response.content
    assert response.status_code == 200, response.content
    return len(captured)


def test_a_check_is_one_query(call, life, customer):
    path = f"/api/v1/contact-permission?customer=C000000001&company={life.pk}&channel=direct_mail"
    assert queries_of(lambda: call("get", path)) == 1


def test_a_batch_is_one_query(call, life, customer):
    body = {"company": life.pk, "channel": "direct_mail", "customers": ["C000000001", "C000000002"]}
    assert queries_of(lambda: call("post", "/api/v1/contact-permission/batch", data=body,
                                   content_type="application/json")) == 1


def test_an_export_is_four_queries(call, life, customer):
    # The cursor's horizon (events, suppressions), the suppressions in place, then the rows.
    path = f"/api/v1/do-not-contact?company={life.pk}&channel=direct_mail"
    assert queries_of(lambda: call("get", path, headers={"Accept": "text/csv"})) == 4


def test_an_unsubscribe_link_is_two_queries(call, life, customer):
    body = {"customer": "C000000001", "company": life.pk, "campaign": "spring-2027"}
    assert queries_of(lambda: call("post", "/api/v1/unsubscribe-links", data=body,
                                   content_type="application/json")) == 2
