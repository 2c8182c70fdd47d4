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
