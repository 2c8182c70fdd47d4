"""The response headers under production settings, as the Mozilla Observatory grades them (A+): a
CSP without unsafe-inline and with frame-ancestors, HSTS of six months or more, nosniff, a private
Referrer-Policy, and Secure, HttpOnly, SameSite cookies; plain HTTP is redirected to HTTPS."""

import re
from http.cookies import SimpleCookie

import pytest

from tests.stack import WebClient

SIX_MONTHS = 15768000  # seconds; the Observatory's minimum HSTS max-age
PRIVATE_REFERRER_POLICIES = {"no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin"}


@pytest.fixture
def production(stack):
    # No task worker (a process booting beside the server for nothing): only the cookies' test sends an email.
    return stack.server(production=True, task_worker=False)


def csp_directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


@pytest.mark.parametrize("path", ["/", "/notices/group-joint-use/", "/login/", "/admin/login/", "/no-such-page/"])
def test_every_kind_of_page_sends_the_security_headers(production, path):
    response = WebClient(https=True).get(production.url(path))
    assert response.status_code in (200, 404)
    headers = response.headers

    csp = csp_directives(headers["Content-Security-Policy"])
    assert csp["default-src"] == ["'self'"] and csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"] and csp["base-uri"] == ["'none'"] and csp["form-action"] == ["'self'"]
    for directive, sources in csp.items():
        assert not {"'unsafe-inline'", "'unsafe-eval'", "*", "http:", "https:"} & set(sources), directive

    hsts = headers["Strict-Transport-Security"]
    assert int(re.search(r"max-age=(\d+)", hsts).group(1)) >= SIX_MONTHS
    assert "includeSubDomains" in hsts
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] in PRIVATE_REFERRER_POLICIES
    assert headers["X-Frame-Options"] == "DENY"


def test_the_api_sends_them_too(production):
    response = WebClient(https=True).get(production.url("/api/v1/contact-permission"))
    assert response.status_code == 401
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "max-age=" in response.headers["Strict-Transport-Security"]


def test_every_cookie_is_secure_httponly_and_samesite(stack, production, hanako):
    stack.worker(production=True)  # it sends the login link
    browser = WebClient(https=True)
    browser.get(production.url("/admin/login/"))  # the staff CSRF cookie
    browser.log_in(production, hanako.email, stack.mailbox)  # the customer's CSRF and session cookies
    names = set()
    for header in browser.set_cookie_headers:
        for name, morsel in SimpleCookie(header).items():
            names.add(name)
            assert morsel["secure"] is True, header
            assert morsel["httponly"] is True, header
            assert morsel["samesite"].lower() in ("lax", "strict"), header
    assert {"csrftoken", "sessionid"} <= names


def test_plain_http_is_redirected_to_https(production):
    response = WebClient().get(production.url("/faq/"), follow=False)
    assert response.status_code == 301
    assert response.headers["Location"] == f"https://127.0.0.1:{production.port}/faq/"


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_the_load_balancer_probes_are_answered_over_plain_http(production, path):
    response = WebClient().get(production.url(path), follow=False)
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
