"""GET /api/v1/do-not-contact: the customers a company must leave out of a campaign, streamed."""

import csv
import datetime
import io
import json
import logging

import pytest
import time_machine
from django.core import signing
from django.http import StreamingHttpResponse

from consents.models import ConsentEvent
from customers.models import Policyholder
from tests.api.conftest import change
from tests.factories import PolicyholderFactory

URL = "/api/v1/do-not-contact"


def export(call, company, channel="direct_mail", since=None, accept="text/csv", **kwargs):
    data = {"company": company, "channel": channel}
    if since is not None:
        data["since"] = since
    return call("get", URL, data=data, headers={"Accept": accept}, **kwargs)


def rows(response) -> list[dict]:
    assert response.status_code == 200, response.content
    text = b"".join(response.streaming_content).decode()
    if response["Content-Type"].startswith("text/csv"):
        return list(csv.DictReader(io.StringIO(text)))
    return [json.loads(line) for line in text.splitlines()]


def customers(response) -> dict[str, str]:
    return {row["customer"]: row["allowed"] for row in rows(response)}


def test_a_customer_who_turned_off_direct_mail_is_in_the_next_export_and_since_the_cursor_before(call, life):
    holder, _bystander = PolicyholderFactory(), PolicyholderFactory()
    before = export(call, life.pk)
    assert customers(before) == {}
    cursor = before["X-Next-Cursor"]

    change(holder, {(life.pk, "direct_mail"): False})

    assert customers(export(call, life.pk)) == {holder.customer_number: "false"}
    assert customers(export(call, life.pk, since=cursor)) == {holder.customer_number: "false"}
    # Another channel or company is not affected.
    assert customers(export(call, life.pk, channel="phone")) == {}


def test_the_export_since_a_cursor_leaves_out_older_changes_and_reports_removals(call, life):
    stays_off, turns_back_on = PolicyholderFactory(), PolicyholderFactory()
    with time_machine.travel(datetime.datetime(2026, 4, 1, 9, tzinfo=datetime.UTC)):
        change(stays_off, {(life.pk, "direct_mail"): False})
        change(turns_back_on, {(life.pk, "direct_mail"): False})
    with time_machine.travel(datetime.datetime(2026, 4, 2, 9, tzinfo=datetime.UTC)):
        cursor = export(call, life.pk)["X-Next-Cursor"]
        change(turns_back_on, {(life.pk, "direct_mail"): True})
        since = rows(export(call, life.pk, since=cursor))
    # Only the change after the cursor, in its current state: the vendor removes this customer.
    assert [(row["customer"], row["allowed"]) for row in since] == [(turns_back_on.customer_number, "true")]
    assert since[0]["changed_at"].startswith("2026-04-02T18:00:00")
    assert customers(export(call, life.pk)) == {stays_off.customer_number: "false"}


def test_a_change_committed_while_an_export_runs_comes_in_the_next_one(call, life):
    # The cursor trails the newest event by a minute; changes within it are sent again, never lost.
    holder = PolicyholderFactory()
    change(holder, {(life.pk, "direct_mail"): False})
    cursor = export(call, life.pk)["X-Next-Cursor"]
    assert customers(export(call, life.pk, since=cursor)) == {holder.customer_number: "false"}


def test_json_lines_by_accept(call, life):
    holder = PolicyholderFactory()
    change(holder, {(life.pk, "phone"): False})
    response = export(call, life.pk, channel="phone", accept="application/x-ndjson")
    assert response["Content-Type"] == "application/x-ndjson"
    [row] = rows(response)
    assert row["customer"] == holder.customer_number and row["allowed"] is False
    assert row["changed_at"].endswith("+09:00")


def test_email_lists_everyone_who_has_not_opted_in(call, life):
    opted_in, silent, opted_out = PolicyholderFactory(), PolicyholderFactory(), PolicyholderFactory()
    change(opted_in, {(life.pk, "email"): True})
    change(opted_out, {(life.pk, "email"): True})
    change(opted_out, {(life.pk, "email"): False})
    listed = rows(export(call, life.pk, channel="email"))
    assert {row["customer"]: row["changed_at"] != "" for row in listed} == {
        silent.customer_number: False,
        opted_out.customer_number: True,
    }


def test_an_unknown_format_gets_406(call, life):
    response = export(call, life.pk, accept="application/json")
    assert response.status_code == 406
    assert response["Content-Type"] == "application/problem+json"
    assert "text/csv" in response.json()["detail"]


def test_another_companys_list_gets_403(call, nonlife):
    assert export(call, nonlife.pk).status_code == 403


@pytest.mark.parametrize(
    "cursor",
    [
        "not-a-cursor",
        "TAMPERED",
        signing.dumps({"event": 0, "company": 1, "channel": "direct_mail"}, salt="another.salt"),
        "OTHER_CHANNEL",
    ],
)
def test_a_cursor_we_did_not_issue_for_this_list_gets_422(call, life, cursor):
    issued = export(call, life.pk, channel="direct_mail")["X-Next-Cursor"]
    if cursor == "TAMPERED":
        cursor = issued[:3] + ("A" if issued[3] != "A" else "B") + issued[4:]
    elif cursor == "OTHER_CHANNEL":
        cursor = export(call, life.pk, channel="phone")["X-Next-Cursor"]
    response = export(call, life.pk, since=cursor)
    assert response.status_code == 422
    assert response.json()["type"].endswith("invalid-cursor")
    assert "カーソル" in response.json()["detail"]


def test_an_empty_cursor_gets_422(call, life):
    response = export(call, life.pk, since="")
    assert response.status_code == 422
    assert "query.since" in response.json()["detail"]


def test_100000_rows_stream_out_in_chunks(call, life, caplog):
    Policyholder.objects.bulk_create(
        (Policyholder(customer_number=f"S{n:09d}", name="顧客") for n in range(100_000)), batch_size=5000
    )
    with caplog.at_level(logging.INFO, logger="privacy_portal.requests"):
        response = export(call, life.pk, channel="email")
        assert isinstance(response, StreamingHttpResponse)
        assert not caplog.records  # logged when the stream ends, with its whole duration
        chunks = lines = 0
        for chunk in response.streaming_content:
            chunks += 1
            lines += chunk.count(b"\r\n")
            assert len(chunk) < 100_000  # never the whole list at once
    assert lines == 100_001  # the header and every customer
    assert chunks > 100
    [line] = [record for record in caplog.records if record.name == "privacy_portal.requests"]
    assert (line.status, line.streamed) == (200, True)
    assert not ConsentEvent.objects.exists()


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("text/csv;q=0, */*", "application/x-ndjson"),
        ("text/csv;q=0, application/x-ndjson;q=0.1", "application/x-ndjson"),
        ("application/x-ndjson, text/csv;q=0.5", "application/x-ndjson"),
        ("text/csv;q=0.2, application/x-ndjson;q=0.9", "application/x-ndjson"),
        ("*/*", "text/csv"),
        ("", "text/csv"),
        ("text/*, application/x-ndjson;q=0.5", "text/csv"),
    ],
)
def test_the_format_follows_the_accept_qualities(call, life, accept, expected):
    response = export(call, life.pk, accept=accept)
    assert response.status_code == 200 and response["Content-Type"].startswith(expected), response["Content-Type"]


@pytest.mark.parametrize("accept", ["text/csv;q=0", "text/csv;q=0, application/x-ndjson;q=0", "*/*;q=0"])
def test_a_format_refused_with_q_0_is_never_sent(call, life, accept):
    assert export(call, life.pk, accept=accept).status_code == 406


def test_a_repeated_parameter_is_refused(call, life):
    response = call("get", f"{URL}?company={life.pk}&company={life.pk}&channel=direct_mail")
    assert response.status_code == 400 and "company" in response.json()["detail"]
