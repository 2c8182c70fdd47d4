"""Rate limits counted in the shared cache (Redis in production, so a count holds across servers), and
the one Japanese 429 page every refusal uses, always with `Retry-After`."""

import contextlib
import contextvars
import dataclasses
import functools
import hashlib
import logging
import threading

import redis
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.utils.translation import gettext as _

from .errors import error_page

logger = logging.getLogger(__name__)

# The keys the request in progress has counted (hits_recorded), to take back if it is not served.
_hits: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar("ratelimit_hits", default=None)
# DECR only a key that still exists: one that expired meanwhile would come back as -1 with no expiry.
_UNCOUNT = "if redis.call('exists', KEYS[1]) == 1 then return redis.call('decr', KEYS[1]) end return 0"


def count_hit(key: str, *, window: int) -> int:
    """Count one request under `key` and return the count so far; the key expires `window` seconds
    after its first hit.

    On Redis, one round trip: SET NX EX and INCR in one MULTI/EXEC, on a client of this module's own
    (Django's cache API has no such command). Django's own incr() checks that the key exists and then
    increments it, in two commands; a key that expires between them comes back without an expiry, and a
    limit on an address would then refuse that address for ever.
    """
    count = _count(key, window=window)
    hits = _hits.get()
    if hits is not None:
        hits.append(key)
    return count


def _count(key: str, *, window: int) -> int:
    cache = caches["default"]
    if isinstance(cache, RedisCache):
        full_key = cache.make_and_validate_key(key)
        with _redis().pipeline(transaction=True) as pipe:
            pipe.set(full_key, 0, ex=window, nx=True)
            pipe.incr(full_key)
            return pipe.execute()[1]
    # Other backends (local memory in development and tests) lock around their own incr().
    try:
        return cache.incr(key)
    except ValueError:
        # The first hit; if another process made it at the same moment, count on theirs.
        return 1 if cache.add(key, 1, timeout=window) else cache.incr(key)


@contextlib.contextmanager
def hits_recorded():
    """Record the keys counted while the block runs (one request), for hits_take_back."""
    token = _hits.set([])
    try:
        yield _hits.get()
    finally:
        _hits.reset(token)


def hits_take_back(keys: list[str]) -> None:
    """Uncount a request that was not served (the database was down): a customer who tried during an
    outage is not locked out after it. Best effort: with the cache down too, nothing was counted."""
    cache = caches["default"]
    for key in keys:
        try:
            if isinstance(cache, RedisCache):
                _redis().eval(_UNCOUNT, 1, cache.make_and_validate_key(key))
            else:
                cache.decr(key)
        except ValueError:
            pass  # expired meanwhile
        except Exception as error:
            logger.warning("Could not take back a rate-limit count: %s", type(error).__name__)


_CLIENT_LOCK = threading.Lock()


@functools.cache
def _client(location: str, options: tuple) -> redis.Redis:
    return redis.Redis.from_url(location, **dict(options))


def _redis() -> redis.Redis:
    """One client (and its connection pool) per process, to the cache's Redis, with the cache's timeouts. Made
    under a lock: two threads' first calls at once would make two, and the one not kept, collected, closes the
    connection pool under the other's pipeline."""
    config = settings.CACHES["default"]
    with _CLIENT_LOCK:
        return _client(config["LOCATION"], tuple(sorted(config.get("OPTIONS", {}).items())))


@dataclasses.dataclass(frozen=True)
class RateLimit:
    """At most `limit` requests per `window` seconds for one identifier (an address, an IP, a link)."""

    scope: str
    limit: int
    window: int

    def exceeded(self, identifier: str) -> bool:
        """Count one request for `identifier`; True once there have been more than `limit` in the window.
        The identifier is hashed: no email address or IP is written to the cache."""
        digest = hashlib.sha256(identifier.lower().encode()).hexdigest()
        return count_hit(f"ratelimit:{self.scope}:{digest}", window=self.window) > self.limit


def too_many_requests(request, *, retry_after: int, message: str | None = None, title: str | None = None):
    """The Japanese 429 page, with `Retry-After` in seconds."""
    response = error_page(
        request,
        status=429,
        title=title,
        message=message or _("There were too many requests. Wait a few minutes and try again."),
    )
    response["Retry-After"] = str(retry_after)
    return response
