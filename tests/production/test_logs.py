"""The log a real server writes during a customer's whole visit and a group system's API calls: one JSON
object a line, one request line per request under the id the client got in X-Request-ID, and no
email, name, customer number, token, session cookie or client address anywhere."""

import collections
import json
from urllib.parse import urlsplit

import pytest
import requests

from consents.models import Receipt
from core.logging import JSON_EXTRA_FIELDS
from notices.models import Notice
from tests.factories import ApiClientFactory
from tests.stack import WebClient

KEYS = {"time", "level", "logger", "message", "request_id", "exc_info", "stack_info", *JSON_EXTRA_FIELDS}
# Behind the load balancer (production variant), the client's address arrives in X-Forwarded-For.
CLIENT_IP = "203.0.113.7"
UNKNOWN_CUSTOMER = "C987654321"


class Recorder:
    """Every answer a requests.Session got, redirects included."""

    def __init__(self, *sessions):
        self.responses = []
        for session in sessions:
            session.hooks["response"].append(lambda response, *args, **kwargs: self.responses.append(response))


def visit(server, browser, api, stack, hanako, life) -> set[str]:
    """A customer's and a group system's requests; returns the secrets they handled."""
    notice = Notice.objects.first()
    for path in ["/", "/", notice.get_absolute_url(), "/faq/", "/faq/?q=花子", "/companies/"]:
        assert browser.get(server.url(path)).status_code == 200, path
    # The login request carries the email; the link carries the token; the button logs in.
    browser.log_in(server, hanako.email, stack.mailbox)
    login_token = stack.mailbox.login_path(hanako.email).split("/")[3]
    saved = browser.submit(server.url("/my/preferences/"), {f"pref-{life.pk}-email": "on"})
    receipt = Receipt.objects.get(policyholder=hanako)
    assert saved.status_code == 200 and saved.url.endswith(f"/my/receipts/{receipt.number}/")
    assert receipt.number in browser.get(server.url("/my/history/")).text
    # A spent link, a link we never sent (pressed without the form: CSRF refuses it), a page that does
    # not exist (with an email in its query).
    assert browser.get(server.url(f"/login/link/{login_token}/")).status_code >= 400
    assert browser.get(server.url("/login/link/not-a-token-we-sent/")).status_code == 400
    assert browser.post(server.url("/login/link/not-a-token-we-sent/"), {}).status_code == 403
    assert browser.get(server.url("/no-such-page/?email=hanako@example.com")).status_code == 404

    def call(method, path, **kwargs):
        return api.request(method, server.url(path), timeout=30, **kwargs)

    query = {"customer": hanako.customer_number, "company": life.pk, "channel": "email"}
    assert call("GET", "/api/v1/contact-permission", params=query).json()["allowed"] is True
    assert call("GET", "/api/v1/contact-permission", params={**query, "customer": UNKNOWN_CUSTOMER}).status_code == 404
    assert call("GET", "/api/v1/contact-permission", params={**query, "chanel": "email"}).status_code == 422
    batch = {"company": life.pk, "channel": "email", "customers": [hanako.customer_number]}
    assert call("POST", "/api/v1/contact-permission/batch", json=batch).status_code == 200
    export = call("GET", "/api/v1/do-not-contact", params={"company": life.pk, "channel": "direct_mail"})
    assert export.status_code == 200
    link = {"customer": hanako.customer_number, "company": life.pk, "campaign": "spring-2026"}
    unsubscribe_path = urlsplit(call("POST", "/api/v1/unsubscribe-links", json=link).json()["url"]).path
    # The customer follows the link in the campaign email and presses the button.
    assert browser.get(server.url(unsubscribe_path)).status_code == 200
    done = browser.post(server.url(unsubscribe_path), {"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200
    return {login_token, unsubscribe_path.split("/")[2], receipt.number}


@pytest.mark.parametrize("production", [False, True], ids=["LOG_FORMAT=json", "production"])
def test_a_whole_visit_leaves_one_json_line_per_request_and_no_personal_data(stack, hanako, life, production):
    vendor = ApiClientFactory(companies=[life])
    browser = WebClient(https=production)
    api = requests.Session()
    api.headers["Authorization"] = f"Bearer {vendor.token}"
    if production:
        # Behind one load balancer: it sets X-Forwarded-For and (for the API session) the scheme.
        # LOG_FORMAT is not set: production writes JSON by default.
        server = stack.server(production=True, TRUSTED_PROXY_COUNT=1)
        for session in (browser.http, api):
            session.headers.update({"X-Forwarded-For": CLIENT_IP, "X-Forwarded-Proto": "https"})
    else:
        server = stack.server(LOG_FORMAT="json")
    recorder = Recorder(browser.http, api)

    secrets = visit(server, browser, api, stack, hanako, life)
    if production:
        # The load balancer's own id is kept; a malformed one is replaced.
        forwarded = browser.get(server.url("/healthz/"), headers={"X-Request-ID": "lb-0123456789abcdef"})
        assert forwarded.headers["X-Request-ID"] == "lb-0123456789abcdef"
        forged = browser.get(server.url("/healthz/"), headers={"X-Request-ID": "C000001 hanako@example.com"})
        assert forged.headers["X-Request-ID"] != "C000001 hanako@example.com"
    server.stop()  # its last lines written too

    # Every line of the log, gunicorn's own included, is one JSON object with known keys only.
    lines = [json.loads(text) for text in server.log().splitlines()]
    assert all(line.keys() <= KEYS for line in lines), [line.keys() - KEYS for line in lines]

    # One request line per answer the clients got, under the id they got, with its status.
    requests_by_id = collections.defaultdict(list)
    for line in lines:
        if line["logger"] == "privacy_portal.requests":
            requests_by_id[line["request_id"]].append(line)
    assert len(recorder.responses) >= 28  # the hooks saw every answer, redirects included
    for response in recorder.responses:
        [line] = requests_by_id[response.headers["X-Request-ID"]]
        assert (line["method"], line["status"]) == (response.request.method, response.status_code)
    assert all(len(found) == 1 for found in requests_by_id.values())
    # Other lines of a request (django.request, a warning) carry the id of its request line.
    assert {line["request_id"] for line in lines} - {None} == set(requests_by_id)
    routes = {(line["route"], line["streamed"]) for found in requests_by_id.values() for line in found}
    assert ("/login/link/<str:token>/", False) in routes and ("/api/v1/do-not-contact", True) in routes
    # The request line is the API's call log too: an API call's line names the client, no other line does.
    request_lines = [line for found in requests_by_id.values() for line in found]
    api_lines = [line for line in request_lines if (line["route"] or "").startswith("/api/")]
    assert len(api_lines) == 6 and all(line["client"] == vendor.pk for line in api_lines)
    assert not any("client" in line for line in request_lines if line not in api_lines)
    assert not [line for line in lines if line["logger"].startswith("api")]

    cookies = {morsel.split("=", 1)[1].split(";")[0] for morsel in browser.set_cookie_headers}
    # An API token is pp_<prefix>_<secret>, and the secret may hold "_" itself.
    never = {
        hanako.email, "hanako%40example.com", hanako.name, "花子", hanako.kana, "ハナコ",
        hanako.customer_number, UNKNOWN_CUSTOMER, vendor.token, vendor.token.split("_", 2)[2],
        CLIENT_IP, "customer=", *secrets, *(cookie for cookie in cookies if cookie),
    }
    for line in lines:
        text = json.dumps(line, ensure_ascii=False)
        assert not [value for value in never if value in text], text
        # The server's own address (gunicorn's "Listening at: http://127.0.0.1:<port>") is no client's;
        # on every other line, 127.0.0.1 would be the client's address (the clients connect from it).
        if not line["message"].startswith("Listening at: "):
            assert "127.0.0.1" not in text, text

    # The worker that looked the address up and sent the login link and the receipts: JSON lines too,
    # and none of it in them.
    [worker] = stack.workers
    assert worker.stop() == 0
    worker_lines = [json.loads(text) for text in worker.log().splitlines()]
    assert any("login_link_send" in line["message"] for line in worker_lines)
    for line in worker_lines:
        text = json.dumps(line, ensure_ascii=False)
        assert line.keys() <= KEYS and not [value for value in never if value in text], text
