"""The site's own views: the error handlers that urls.py names, and the health checks."""

import logging
import secrets
import sys

from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from core.errors import error_page
from core.outage import OUTAGE_ERRORS, unavailable_page

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


def bad_request(request, exception=None):
    return error_page(request, status=400, message=_("Please check the address or the values you entered."))


def permission_denied(request, exception=None):
    # A refusal that says why (the two-person rule, a role) is shown as written: staff must learn which rule
    # refused and who can do it. A bare refusal in the admin is a role's.
    reason = str(exception) if exception is not None else ""
    if not reason and getattr(request.resolver_match, "namespace", "") == "admin":
        reason = _(
            "Your role does not allow this page. What each role (編集者, 承認者, 顧客対応) may do is set in the "
            "portal; a superuser gives staff their role in the admin (Users). Ask a superuser if your work needs it."
        )
    return error_page(request, status=403, message=reason or _("You do not have permission to open this page."))


def page_not_found(request, exception=None):
    return error_page(request, status=404, message=_("The page may have moved or the address may be wrong."))


def server_error(request):
    # Called while the exception is being handled: a lost database or cache outside a view (in a
    # middleware, say) still gets the 503 page rather than this one.
    exception = sys.exc_info()[1]
    if isinstance(exception, OUTAGE_ERRORS):
        return unavailable_page(request, exception)
    # No template context processors or database here: the failure may be in either.
    return HttpResponseServerError(loader.get_template("500.html").render())


def csrf_failure(request, reason=""):
    return error_page(
        request,
        status=403,
        title=_("The form could not be accepted"),
        message=_(
            "For your security the form was not accepted. It may have been open too long or cookies may be "
            "turned off. Open the page again and try once more."
        ),
    )
