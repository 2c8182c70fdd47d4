"""The counters behind the login, unsubscribe and API limits, on Redis as in production."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.cache import caches

from core.ratelimit import count_hit


def test_every_hit_is_counted_once_under_concurrency(redis_cache):
    with ThreadPoolExecutor(max_workers=8) as pool:
        counts = sorted(pool.map(lambda _: count_hit("burst", window=60), range(200)))
    assert counts == list(range(1, 201))


def test_a_counter_never_loses_its_expiry_when_hits_race_the_window(redis_cache):
    # Hits from four threads, straddling the moment each one-second window ends: a counter recreated
    # without an expiry would refuse its address for ever.
    deadline = time.monotonic() + 2.5
    keys = [f"edge-{n}" for n in range(5)]

    def hammer():
        while time.monotonic() < deadline:
            for key in keys:
                count_hit(key, window=1)

    threads = [threading.Thread(target=hammer) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for key in keys:
        assert redis_cache.ttl(caches["default"].make_and_validate_key(key)) != -1, key


def login_during_an_outage_then_after(client_class, count: int):
    """`count` login requests for one address while the database refuses every statement (each a 503),
    then one more once it is back."""
    from unittest import mock

    from django.db import OperationalError

    client = client_class()
    client.raise_request_exception = False
    down = mock.patch(
        "django.db.backends.utils.CursorWrapper.execute", side_effect=OperationalError("server closed the connection")
    )
    with down:
        statuses = {client.post("/login/", {"email": "hanako@example.com"}).status_code for _ in range(count)}
    return statuses, client.post("/login/", {"email": "hanako@example.com"})


@pytest.mark.django_db(transaction=True)  # the statements that failed leave no test transaction broken
def test_requests_refused_by_an_outage_do_not_count_against_the_limits(client, database_tasks):
    # The address may ask 5 times in 15 minutes, the network 20: 25 tries during the outage used none.
    statuses, after = login_during_an_outage_then_after(type(client), 25)
    assert statuses == {503}
    assert after.status_code == 302 and after["Location"] == "/login/sent/"


@pytest.mark.django_db(transaction=True)
def test_on_redis_too_an_outage_takes_its_counts_back(client, database_tasks, redis_cache):
    statuses, after = login_during_an_outage_then_after(type(client), 25)
    assert statuses == {503}
    assert after.status_code == 302


def test_served_requests_still_count(client, db, database_tasks):
    for _ in range(5):
        assert client.post("/login/", {"email": "hanako@example.com"}).status_code == 302
    assert client.post("/login/", {"email": "hanako@example.com"}).status_code == 429
