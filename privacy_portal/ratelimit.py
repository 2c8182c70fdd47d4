import hashlib

from django.core.cache import cache


def count_hit(key: str, *, window: int) -> int:
    """Count one request under `key` in the shared cache (Redis in production, so the count holds
    across servers) and return the count so far; the key expires `window` seconds after its first hit.

    One round trip on every hit but the first.
    """
    try:
        return cache.incr(key)
    except ValueError:
        # The first hit; if another server made it at the same moment, count on theirs.
        return 1 if cache.add(key, 1, timeout=window) else cache.incr(key)


def over_limit(scope: str, identifier: str, *, limit: int, window: int) -> bool:
    """Count one request for `identifier` (an address, an IP, a link) in `scope`; True once there have
    been more than `limit` in the window. The identifier is hashed: no email address or IP is written
    to the cache."""
    digest = hashlib.sha256(identifier.lower().encode()).hexdigest()
    return count_hit(f"ratelimit:{scope}:{digest}", window=window) > limit
