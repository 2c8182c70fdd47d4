"""A lost database or cache is a Japanese 503 that says whether anything was saved, never a 500."""

from unittest import mock

import pytest
import redis
from django.contrib.auth.models import Group
from django.db import OperationalError, transaction
from django.test import RequestFactory

from core.outage import RequestWrites
from privacy_portal.views import server_error
from tests.factories import ApiClientFactory

DATABASE_DOWN = mock.patch(
    "django.db.backends.utils.CursorWrapper.execute", side_effect=OperationalError("server closed the connection")
)


@pytest.fixture
def raising_client(client):
    client.raise_request_exception = False  # as a real server: what a visitor gets, not the exception
    return client


def test_a_page_that_needs_the_database_is_a_japanese_503(raising_client, demo_content):
    with DATABASE_DOWN:
        response = raising_client.get("/faq/?q=ペット")
    assert response.status_code == 503
    html = response.content.decode()
    assert "システムが一時的にご利用いただけない状態です" in html and '<html lang="ja">' in html
    assert response["Retry-After"] == "30"
    assert "no-store" in response["Cache-Control"]


def test_a_form_sent_during_an_outage_says_it_was_not_saved(raising_client, db, database_tasks):
    with DATABASE_DOWN:
        response = raising_client.post("/login/", {"email": "hanako@example.com"})
    assert response.status_code == 503
    assert "送信された内容は保存されていません" in response.content.decode()


def test_the_api_answers_a_problem_document(raising_client, life):
    vendor = ApiClientFactory(companies=[life])
    with DATABASE_DOWN:
        response = raising_client.get(
            f"/api/v1/contact-permission?customer=C000000001&company={life.pk}&channel=email",
            headers={"Authorization": f"Bearer {vendor.token}"},
        )
    assert response.status_code == 503
    assert response["Content-Type"] == "application/problem+json"
    assert response["Retry-After"] == "30"
    assert response.json()["type"] == "urn:privacy-portal:problem:unavailable"


def test_a_lost_cache_outside_a_view_is_a_503_too():
    request = RequestFactory().get("/")
    try:
        raise redis.ConnectionError("Connection refused")
    except redis.ConnectionError:
        response = server_error(request)
    assert response.status_code == 503


def test_other_server_errors_stay_500s():
    request = RequestFactory().get("/")
    try:
        raise ValueError("a bug")
    except ValueError:
        response = server_error(request)
    assert response.status_code == 500


@pytest.mark.django_db(transaction=True)  # real commits and rollbacks
def test_a_write_counts_once_committed_never_when_rolled_back():
    writes = RequestWrites()
    with writes.tracking():
        Group.objects.filter(name="夜間").exists()
        with transaction.atomic():
            Group.objects.create(name="夜間")
            with pytest.raises(ValueError), transaction.atomic():
                Group.objects.filter(name="夜間").update(name="日中")
                raise ValueError("rolled back")
            assert not writes.committed  # written, not yet committed
        assert writes.committed
    assert Group.objects.filter(name="夜間").exists()

    rolled_back = RequestWrites()
    with rolled_back.tracking(), pytest.raises(ValueError), transaction.atomic():
        Group.objects.filter(name="夜間").delete()
        raise ValueError("rolled back")
    assert not rolled_back.committed

    autocommit = RequestWrites()
    with autocommit.tracking():
        Group.objects.filter(name="夜間").update(name="日中")  # no save(), no signal
        assert autocommit.committed
