import logging
import secrets

from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)

HEALTHZ_PAGE = (
    '<!doctype html><html lang="ja"><head><meta charset="utf-8"><title>OK</title></head><body><p>OK</p></body></html>'
)


@require_safe
def healthz(request):
    """Liveness for the load balancer: the app answers, through the whole middleware stack.

    It touches neither the database nor the cache, which also makes it the benchmark's baseline.
    """
    return HttpResponse(HEALTHZ_PAGE)


def _database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception as error:  # whatever the driver raises, the answer is "not ready"
        logger.warning("readiness: database check failed: %s", type(error).__name__)
        return False


def _cache_answers() -> bool:
    # A key of this probe's own: probes of other servers and workers run at the same time.
    value = secrets.token_hex(8)
    key = f"readyz:{value}"
    try:
        cache.set(key, value, timeout=10)
        return cache.get(key) == value
    except Exception as error:
        logger.warning("readiness: cache check failed: %s", type(error).__name__)
        return False


@never_cache
@require_safe
def readyz(request):
    """Readiness: 200 when this server can reach the database and the shared cache, 503 otherwise,
    so the load balancer sends customers elsewhere. Names the failing service, nothing more."""
    checks = {"database": _database_answers(), "cache": _cache_answers()}
    ready = all(checks.values())
    body = {"status": "ok" if ready else "unavailable"}
    body.update((name, "ok" if ok else "error") for name, ok in checks.items())
    return JsonResponse(body, status=200 if ready else 503)
