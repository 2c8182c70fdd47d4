"""While PostgreSQL or Redis does not answer: a Japanese 503 that says whether anything was saved,
never a 500 trace. Public pages already in the page cache keep serving (privacy_portal.http), and the
next request after the service is back works again without a restart (CONN_HEALTH_CHECKS)."""

import logging

import redis
from django.db import InterfaceError, OperationalError
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from .errors import error_page

logger = logging.getLogger(__name__)

# A database or cache that cannot be reached, or a connection lost mid-request. Not IntegrityError or
# other programming errors: those stay 500s, and the operator must see them as such.
OUTAGE_ERRORS = (OperationalError, InterfaceError, redis.ConnectionError, redis.TimeoutError)
RETRY_AFTER_SECONDS = 30


def unavailable_page(request, exception: BaseException):
    # The class name only: the message of a connection error names hosts, never a customer.
    logger.warning("service unavailable: %s on %s", type(exception).__name__, request.method)
    if request.method in ("GET", "HEAD", "OPTIONS"):
        message = _("The service is temporarily unavailable. Please try again in a few minutes.")
    else:
        # The request's transaction was rolled back (or never began): what was sent is not stored.
        message = _("What you sent has not been saved. Please try again in a few minutes.")
    response = error_page(request, status=503, message=message)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response


class OutageMiddleware:
    """Turns a lost database or cache in any view into the 503 page (the API answers its own 503)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, OUTAGE_ERRORS):
            return unavailable_page(request, exception)
        return None
