"""Every answer carries X-Request-ID, and every request leaves one log line with its URL pattern,
status and duration under that id (core/requestlog.py)."""

import logging
import re

import pytest

from core.pagecache import _local_pages
from tests.factories import ApiClientFactory, PolicyholderFactory

GENERATED = re.compile(r"[0-9a-f]{32}")
TOKEN = "eyJwIjoxLCJjIjoyLCJtIjoiYSJ9:1vXyZ_abc-DEF"


@pytest.fixture
def vendor(life):
    return ApiClientFactory(companies=[life])


def api_get(client, vendor, path, **data):
    return client.get(path, data, headers={"Authorization": f"Bearer {vendor.token}"})


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/", 200),
        ("/healthz/", 200),
        ("/no-such-page/", 404),
        ("/my/", 302),  # to the login page
        ("/faq", 301),  # CommonMiddleware adds the slash
        ("/api/v1/contact-permission", 401),
    ],
)
def test_it_sends_a_request_id_with_every_answer(client, demo_content, path, status):
    response = client.get(path)
    assert response.status_code == status
    assert GENERATED.fullmatch(response["X-Request-ID"])


def test_it_gives_each_request_its_own_id_even_for_a_cached_public_page(client, demo_content):
    first = client.get("/")
    assert len(_local_pages) == 1  # the second answer comes from the page cache
    second = client.get("/")
    assert first.content == second.content and first["ETag"] == second["ETag"]
    assert first["X-Request-ID"] != second["X-Request-ID"]


def test_it_ignores_the_id_a_client_sends_when_no_proxy_is_trusted(client, db, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    response = client.get("/healthz/", headers={"X-Request-ID": "lb-0123456789abcdef"})
    assert GENERATED.fullmatch(response["X-Request-ID"])


def test_it_takes_the_load_balancers_id_behind_a_trusted_proxy(client, db, settings, json_log):
    settings.TRUSTED_PROXY_COUNT = 1
    response = client.get("/healthz/", headers={"X-Request-ID": "lb-0123456789abcdef"})
    assert response["X-Request-ID"] == "lb-0123456789abcdef"
    assert [line["request_id"] for line in json_log.requests()] == ["lb-0123456789abcdef"]


@pytest.mark.parametrize(
    "incoming", ["short", "a" * 129, "has space in it", '"}{"level": "forged', "ｆｕｌｌｗｉｄｔｈ１２"]
)
def test_it_refuses_a_malformed_id_even_behind_a_trusted_proxy(client, db, settings, incoming):
    settings.TRUSTED_PROXY_COUNT = 1
    response = client.get("/healthz/", headers={"X-Request-ID": incoming})
    assert GENERATED.fullmatch(response["X-Request-ID"])


def test_it_logs_one_json_line_per_request_with_method_route_status_and_duration(client, demo_content, json_log):
    response = client.get("/notices/group-joint-use/")

    [line] = json_log.requests()
    assert line["request_id"] == response["X-Request-ID"]
    assert (line["method"], line["route"], line["status"], line["streamed"]) == (
        "GET",
        "/notices/<slug:slug>/",
        200,
        False,
    )
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert "client" not in line  # only an API call's line names its client
    assert line["level"] == "INFO" and line["message"].startswith("GET /notices/<slug:slug>/ 200 ")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", line["time"])


def test_it_logs_the_url_pattern_of_a_login_link_never_its_token(client, db, json_log):
    response = client.get(f"/login/link/{TOKEN}/")

    assert response.status_code == 400
    [line] = json_log.requests()
    assert line["route"] == "/login/link/<str:token>/"
    assert TOKEN not in json_log.text()
    # Django's own line about the 400 names the pattern too, and carries the same id.
    [django_line] = [line for line in json_log.lines() if line["logger"] == "django.request"]
    assert django_line["message"] == "Bad Request: /login/link/<str:token>/"
    assert django_line["request_id"] == response["X-Request-ID"]


def test_it_logs_a_path_no_pattern_matched_without_the_path(client, db, json_log):
    response = client.get("/no-such-page/", {"email": "hanako@example.com"})
    assert response.status_code == 404
    [line] = json_log.requests()
    assert line["route"] is None and line["status"] == 404
    assert "hanako" not in json_log.text()  # nor the query string, on any line


def test_no_line_of_a_refused_api_call_has_the_customer_number_of_its_query(client, life, vendor, json_log):
    holder = PolicyholderFactory(customer_number="C000123456")
    response = api_get(client, vendor, "/api/v1/contact-permission", customer=holder.customer_number, chanel="email")

    assert response.status_code == 422
    lines = json_log.lines()
    assert {line["logger"] for line in lines} == {"privacy_portal.requests", "django.request"}
    [request_line] = json_log.requests()
    assert (request_line["status"], request_line["client"]) == (422, vendor.pk)
    assert {line["request_id"] for line in lines} == {response["X-Request-ID"]}
    assert "C000123456" not in json_log.text() and "customer=" not in json_log.text()
    # django.request hands the request itself to the log (its repr holds the query string): left out.
    [django_line] = [line for line in lines if line["logger"] == "django.request"]
    assert set(django_line) == {"time", "level", "logger", "message", "request_id", "status_code"}


def test_it_logs_a_streamed_export_when_the_stream_ends(client, life, vendor, json_log):
    response = api_get(client, vendor, "/api/v1/do-not-contact", company=life.pk, channel="email")
    assert response.streaming
    assert json_log.requests() == []

    b"".join(response.streaming_content)

    [request_line] = json_log.lines()  # the request line is the API's call log too
    assert request_line["route"] == "/api/v1/do-not-contact" and request_line["streamed"] is True
    assert request_line["client"] == vendor.pk
    assert request_line["request_id"] == response["X-Request-ID"]


def test_a_line_written_after_the_answer_has_no_request_id(client, db, json_log):
    client.get("/healthz/")
    logging.getLogger("privacy_portal.test").warning("between requests")
    assert json_log.lines()[-1]["request_id"] is None
