"""Staff sessions end after STAFF_SESSION_IDLE_SECONDS without a request (30 minutes) and
STAFF_SESSION_MAX_SECONDS after login (12 hours) whatever the activity (OWASP ASVS L2)."""

import datetime

import time_machine
from django.test import Client

from tests import personas

START = datetime.datetime(2026, 4, 1, 9, 0, tzinfo=datetime.UTC)


def logged_in() -> Client:
    personas.editor()
    client = Client()
    with time_machine.travel(START, tick=False):
        response = client.post("/admin/login/", {"username": "editor", "password": personas.PASSWORD})
        assert response.status_code == 302
    return client


def admin_at(client, minutes: float) -> int:
    with time_machine.travel(START + datetime.timedelta(minutes=minutes), tick=False):
        return client.get("/admin/").status_code


def test_a_staff_session_ends_after_30_idle_minutes(db):
    client = logged_in()
    assert admin_at(client, 29) == 200
    assert admin_at(client, 29 + 31) == 302  # back to the login page


def test_a_busy_staff_session_ends_after_12_hours(db):
    client = logged_in()
    for minutes in range(20, 12 * 60, 20):
        assert admin_at(client, minutes) == 200
    assert admin_at(client, 12 * 60 + 5) == 302


def test_the_lifetimes_are_settings(db, settings):
    settings.STAFF_SESSION_IDLE_SECONDS = 5 * 60
    client = logged_in()
    assert admin_at(client, 6) == 302
