import io
import json
import logging

import pytest

from core.logging import JsonFormatter, RequestIdFilter
from tests.stack import REDIS_URL, delete_keys, key_prefix, require_redis


@pytest.fixture
def json_log():
    """The log as the JSON console writes it: lines() -> one dict per line.

    A second handler on the root logger with the JSON formatter and the filters of the console handler
    that settings.LOGGING configured (the test settings write plain text).
    """
    root = logging.getLogger()
    console = next(h for h in root.handlers if any(isinstance(f, RequestIdFilter) for f in h.filters))
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    for log_filter in console.filters:
        handler.addFilter(log_filter)
    root.addHandler(handler)

    class Log:
        @staticmethod
        def text() -> str:
            return stream.getvalue()

        @staticmethod
        def lines() -> list[dict]:
            return [json.loads(line) for line in stream.getvalue().splitlines()]

        @classmethod
        def requests(cls) -> list[dict]:
            return [line for line in cls.lines() if line["logger"] == "privacy_portal.requests"]

    yield Log
    root.removeHandler(handler)


@pytest.fixture
def redis_cache(settings):
    """The default cache on Redis, as in production, under a key prefix of this test's own."""
    client = require_redis()
    prefix = key_prefix()
    backend = "django.core.cache.backends.redis.RedisCache"  # as production settings choose for a redis:// CACHE_URL
    local = settings.CACHES
    settings.CACHES = {"default": {"BACKEND": backend, "LOCATION": REDIS_URL, "KEY_PREFIX": prefix}}
    yield client
    delete_keys(client, prefix)
    # The local cache again before tests/conftest.py's _clear_cache clears the cache: Django's RedisCache
    # clears with FLUSHDB, every key of the database, the sessions and rate limits of the servers that
    # another xdist worker's (or another checkout's) production tests are running meanwhile.
    settings.CACHES = local
