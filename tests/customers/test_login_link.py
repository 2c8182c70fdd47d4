from unittest import mock

import pytest
import redis
import time_machine
from django.conf import settings
from django.test import Client

from customers.login import SESSION_KEY
from customers.models import LoginToken
from tests.consents.conftest import emailed_link


def link_for(email="hanako@example.com"):
    Client().post("/login/", {"email": email})
    return emailed_link()


def test_a_get_shows_a_login_button_and_does_not_log_in(policyholder, client):
    link = link_for()
    response = client.get(link)
    assert response.status_code == 200
    assert "ログイン</button>" in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert client.get("/my/").status_code == 302
    assert LoginToken.objects.get().used_at is None


def test_the_button_logs_in_once(policyholder, client):
    link = link_for()
    response = client.post(link)
    assert response.status_code == 302 and response["Location"] == "/my/"
    assert client.session[SESSION_KEY] == policyholder.pk
    assert client.get("/my/").status_code == 200

    again = Client().post(link)
    assert again.status_code == 400
    assert "使用済み" in again.content.decode()
    assert Client().get(link).status_code == 400


def test_the_link_expires_after_15_minutes(policyholder):
    with time_machine.travel("2026-04-01 10:00 +0900", tick=False) as clock:
        link = link_for()
        clock.shift(15 * 60)
        for response in (Client().get(link), Client().post(link)):
            assert response.status_code == 400
            assert "有効期限が切れています" in response.content.decode()
    assert LoginToken.objects.get().used_at is None


def test_a_link_works_until_its_last_minute(policyholder, client):
    with time_machine.travel("2026-04-01 10:00 +0900", tick=False) as clock:
        link = link_for()
        clock.shift(14 * 60 + 59)
        assert client.post(link)["Location"] == "/my/"


def test_a_forged_link_is_refused(policyholder, client):
    link_for()
    for method in (client.get, client.post):
        response = method("/login/link/forged-token-of-the-right-shape-0123456789abcdefg/")
        assert response.status_code == 400
        assert "このログイン用リンクは無効です" in response.content.decode()
    assert SESSION_KEY not in client.session


def test_login_rotates_the_session_key(policyholder, client):
    link = link_for()
    client.get(link)
    session = client.session
    session["planted"] = "by an attacker"
    session.save()
    before = client.cookies[settings.SESSION_COOKIE_NAME].value
    client.post(link)
    assert client.cookies[settings.SESSION_COOKIE_NAME].value != before


def test_logging_in_uses_up_older_links(policyholder, client):
    first = link_for()
    second = link_for()
    client.post(second)
    assert Client().post(first).status_code == 400


def test_the_button_needs_a_csrf_token(policyholder):
    response = Client(enforce_csrf_checks=True).post(link_for())
    assert response.status_code == 403
    assert "送信を受け付けられませんでした" in response.content.decode()
    assert LoginToken.objects.get().used_at is None


def test_guessing_links_from_one_ip_is_limited(policyholder):
    statuses = [Client().post(f"/login/link/guess-{n}/").status_code for n in range(31)]
    assert statuses == [400] * 30 + [429]
    response = Client().post(link_for())
    assert response.status_code == 429 and "操作が多すぎます" in response.content.decode()


@pytest.mark.django_db(transaction=True)  # real commits: the page tells what committed
def test_a_link_spent_before_the_session_cache_failed_says_it_was_saved(policyholder, client):
    client.raise_request_exception = False  # what a visitor gets from a real server
    link = link_for()
    # The link is spent (an UPDATE that commits), then saving the new session finds Redis gone.
    with mock.patch("core.sessions.SessionStore.save", side_effect=redis.ConnectionError("Connection refused")):
        response = client.post(link)
    assert response.status_code == 503
    html = response.content.decode()
    assert "送信された内容は保存されましたが" in html and "保存されていません" not in html
    assert LoginToken.objects.get().used_at is not None
    # And so it is: the same link again is refused as used.
    assert "使用済み" in Client().post(link).content.decode()
