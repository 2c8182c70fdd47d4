"""/readyz tells the load balancer whether this server can reach PostgreSQL and the shared cache."""

from unittest import mock

import pytest
import redis
from django.db import OperationalError


@pytest.mark.parametrize("path", ["/readyz", "/readyz/"])
def test_it_answers_ok_when_the_database_and_cache_answer(client, db, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}
    assert not response.cookies
    assert "no-store" in response["Cache-Control"]


def test_it_is_503_naming_the_database_when_the_database_is_down(client, db):
    with mock.patch("privacy_portal.views.connection.cursor", side_effect=OperationalError("connection refused")):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "error", "cache": "ok"}


def test_it_is_503_naming_the_cache_when_the_cache_is_down(client, db):
    with mock.patch("privacy_portal.views.cache.set", side_effect=redis.ConnectionError("connection refused")):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "ok", "cache": "error"}


@pytest.mark.parametrize("path", ["/healthz", "/healthz/"])
def test_liveness_answers_with_or_without_the_slash(client, path):
    response = client.get(path)
    assert response.status_code == 200 and b"OK" in response.content


def test_simultaneous_probes_do_not_fail_each_other(redis_cache):
    from concurrent.futures import ThreadPoolExecutor

    from privacy_portal.views import _cache_answers

    # Load balancer nodes probe every server's workers at once; each probe must see its own write.
    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(pool.map(lambda _: _cache_answers(), range(1000)))
    assert all(answers)
