"""The customer session: 30 minutes idle ends it; public pages never touch it."""

import pytest
import time_machine
from django.conf import settings

from tests.consents.conftest import emailed_link


@pytest.fixture
def logged_in_at_ten(policyholder, client):
    with time_machine.travel("2026-04-01 10:00 +0900", tick=False) as clock:
        client.post("/login/", {"email": "hanako@example.com"})
        response = client.post(emailed_link())
        assert response["Location"] == "/my/"
        yield client, clock


def test_the_session_cookie_lasts_30_minutes(logged_in_at_ten):
    client, _ = logged_in_at_ten
    assert client.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == 1800


def test_activity_keeps_the_session_alive(logged_in_at_ten):
    client, clock = logged_in_at_ten
    for _ in range(3):
        clock.shift(29 * 60)
        assert client.get("/my/").status_code == 200


def test_30_minutes_idle_ends_the_session(logged_in_at_ten):
    client, clock = logged_in_at_ten
    clock.shift(30 * 60 + 1)
    response = client.get("/my/preferences/")
    assert response.status_code == 302
    assert response["Location"] == "/login/?required=1"


@pytest.mark.parametrize("url", ["/", "/notices/group-joint-use/", "/faq/", "/companies/"])
def test_public_pages_stay_cacheable_for_a_logged_in_customer(logged_in_at_ten, url):
    client, _ = logged_in_at_ten
    response = client.get(url)
    assert response.status_code == 200
    assert not response.cookies
    assert "cookie" not in response.headers.get("Vary", "").lower()
    assert "public" in response["Cache-Control"]
    assert 'href="/my/"' in response.content.decode()
