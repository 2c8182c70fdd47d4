"""The counters behind the login, unsubscribe and API limits, on Redis as in production."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

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
