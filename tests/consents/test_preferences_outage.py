"""When Redis or PostgreSQL fails around a save, the customer is told the truth: a 503 that says
whether what they sent was saved, never a silent logout."""

from unittest import mock

import pytest
import redis
from django.db import OperationalError

from consents.models import ConsentEvent, Receipt

from .test_preferences import matrix_post

CACHE_DOWN = redis.ConnectionError("Connection refused")


@pytest.fixture
def customer(customer):
    customer.raise_request_exception = False  # what a visitor gets from a real server
    return customer


def test_a_session_cache_that_does_not_answer_is_a_503_not_a_logout(customer):
    with mock.patch("django.core.cache.backends.locmem.LocMemCache.get", side_effect=CACHE_DOWN):
        response = customer.get("/my/")
    assert response.status_code == 503
    assert "システムが一時的にご利用いただけない状態です" in response.content.decode()


def test_a_save_refused_by_the_database_says_it_was_not_saved(customer, life):
    with mock.patch("consents.views.preferences_update", side_effect=OperationalError("server closed the connection")):
        response = customer.post("/my/preferences/", matrix_post(life, direct_mail="off"))
    assert response.status_code == 503
    assert "送信された内容は保存されていません" in response.content.decode()
    assert not Receipt.objects.exists()


@pytest.mark.django_db(transaction=True)  # real commits: the page tells what committed
def test_a_save_that_committed_before_the_cache_failed_says_it_was_saved(customer, life):
    # The change commits, then saving the session (the idle clock) finds Redis gone.
    with mock.patch("core.sessions.SessionStore.save", side_effect=CACHE_DOWN):
        response = customer.post("/my/preferences/", matrix_post(life, direct_mail="off"))
    assert response.status_code == 503
    html = response.content.decode()
    assert "送信された内容は保存されましたが" in html and "保存されていません" not in html
    assert Receipt.objects.count() == 1 and ConsentEvent.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_save_rolled_back_after_its_first_write_says_it_was_not_saved(customer, life):
    # The receipt row is inserted, then the database goes away mid-transaction: all of it rolls back.
    with mock.patch(
        "consents.services.joint_use_version_in_force", side_effect=OperationalError("server closed the connection")
    ):
        response = customer.post("/my/preferences/", matrix_post(life, direct_mail="off"))
    assert response.status_code == 503
    assert "送信された内容は保存されていません" in response.content.decode()
    assert not Receipt.objects.exists() and not ConsentEvent.objects.exists()


def commit_then_lose_the_connection(connection):
    """The server commits, then the connection drops before its answer arrives: what the client sees
    is an error from COMMIT (once; later commits go through)."""
    commit = connection.commit
    calls = []

    def cut(*args, **kwargs):
        commit(*args, **kwargs)
        if not calls:
            calls.append(1)
            raise OperationalError("server closed the connection unexpectedly")

    return mock.patch.object(connection, "commit", cut)


@pytest.mark.django_db(transaction=True)
def test_a_save_whose_commit_lost_its_answer_says_it_cannot_be_confirmed(customer, life):
    from django.db import connection

    data = matrix_post(life, direct_mail="off")
    with commit_then_lose_the_connection(connection):
        response = customer.post("/my/preferences/", data)
    assert response.status_code == 503
    html = response.content.decode()
    assert "保存されたか確認できませんでした。変更履歴をご確認ください" in html
    assert "保存されていません" not in html and 'href="/my/history/"' in html
    # It was committed: the change, its receipt and the receipt's email are on record.
    receipt = Receipt.objects.get()
    assert ConsentEvent.objects.count() == 1 and receipt.email is not None
    # Sent again (the customer presses the button once more): the same receipt, no second change.
    again = customer.post("/my/preferences/", data)
    assert again.status_code == 302 and again["Location"] == f"/my/receipts/{receipt.number}/"
    assert Receipt.objects.count() == 1 and ConsentEvent.objects.count() == 1

