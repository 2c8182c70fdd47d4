"""Five failed admin logins lock that username out from that address for 30 minutes (django-axes)."""

import datetime
import io

import pytest
import time_machine
from axes.models import AccessAttempt
from django.core.management import call_command
from django.test import override_settings

from tests import personas

pytestmark = pytest.mark.django_db

LOCKED = "ログインに続けて失敗しました"


def log_in(client, username, password, **extra):
    extra.setdefault("REMOTE_ADDR", "192.0.2.10")
    return client.post("/admin/login/?next=/admin/", {"username": username, "password": password}, **extra)


def fail(client, username, times, **extra):
    return [log_in(client, username, "wrong-password", **extra).status_code for _ in range(times)]


def test_the_fifth_failure_gets_a_japanese_429_page(client):
    personas.editor()
    assert fail(client, "editor", 4) == [200] * 4
    response = log_in(client, "editor", "wrong-password")
    html = response.content.decode()
    assert response.status_code == 429
    assert LOCKED in html and "30分後にもう一度お試しいただくか" in html
    assert '<html lang="ja"' in html
    assert response["Retry-After"] == "1800"


def test_the_right_password_is_refused_while_locked_out(client):
    personas.editor()
    fail(client, "editor", 5)
    response = log_in(client, "editor", personas.PASSWORD)
    assert response.status_code == 429 and LOCKED in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302


def test_the_lockout_ends_after_30_minutes(client):
    personas.editor()
    now = datetime.datetime.now(datetime.UTC)
    with time_machine.travel(now, tick=False):
        fail(client, "editor", 5)
    with time_machine.travel(now + datetime.timedelta(minutes=31), tick=False):
        assert log_in(client, "editor", personas.PASSWORD).status_code == 302


def test_a_successful_login_clears_the_failures(client):
    personas.editor()
    assert fail(client, "editor", 4) == [200] * 4
    assert log_in(client, "editor", personas.PASSWORD).status_code == 302
    assert not AccessAttempt.objects.exists()
    client.logout()
    # Four more failures: not five in a row, so the right password still works.
    assert fail(client, "editor", 4) == [200] * 4
    assert log_in(client, "editor", personas.PASSWORD).status_code == 302


def test_another_username_from_the_same_address_is_not_locked_out(client):
    personas.editor()
    personas.approver()
    fail(client, "editor", 5)
    response = log_in(client, "approver", personas.PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/admin/"


def test_the_same_username_from_another_address_is_not_locked_out(client):
    personas.editor()
    fail(client, "editor", 5)
    assert log_in(client, "editor", personas.PASSWORD, REMOTE_ADDR="198.51.100.7").status_code == 302


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_a_proxy_the_address_is_the_one_the_proxy_saw():
    from django.test import Client

    personas.editor()
    # What the client writes at the left of X-Forwarded-For does not change who it is.
    for spoofed in range(5):
        fail(Client(), "editor", 1, HTTP_X_FORWARDED_FOR=f"10.0.0.{spoofed}, 203.0.113.5")
    assert AccessAttempt.objects.get().ip_address == "203.0.113.5"
    locked = log_in(Client(), "editor", personas.PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert locked.status_code == 429
    other = log_in(Client(), "editor", personas.PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert other.status_code == 302


def test_failures_are_kept_in_the_database_for_every_server(client):
    personas.editor()
    fail(client, "editor", 2)
    attempt = AccessAttempt.objects.get()
    assert (attempt.username, attempt.ip_address, attempt.failures_since_start) == ("editor", "192.0.2.10", 2)
    assert "wrong-password" not in attempt.post_data and "editor" not in attempt.post_data


def test_odd_input_is_a_login_page_not_an_error(client):
    for data in [
        {"username": "a\x00b", "password": "x"},
        {"username": "x" * 10_000, "password": "y" * 10_000},
        {"username": ["a", "b"], "password": ""},
        {},
    ]:
        assert client.post("/admin/login/", data, REMOTE_ADDR="192.0.2.10").status_code == 200
    # No address to pair the username with: refused, rather than locked out by username alone.
    response = client.post("/admin/login/", {"username": "z", "password": "x"}, REMOTE_ADDR="not-an-address")
    assert response.status_code == 400


def test_an_administrator_unlocks_a_username_at_once(client):
    personas.editor()
    fail(client, "editor", 5)
    call_command("axes_reset_username", "editor", stdout=io.StringIO())
    assert log_in(client, "editor", personas.PASSWORD).status_code == 302
