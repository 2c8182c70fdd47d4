"""While PostgreSQL or Redis does not answer: a Japanese 503 that says whether anything was saved,
never a 500 trace. Public pages already in the page cache keep serving (core.pagecache), and the
next request after the service is back works again without a restart (CONN_HEALTH_CHECKS)."""

import contextvars
import logging

import redis
from django.db import InterfaceError, OperationalError, transaction
from django.db.models.signals import post_delete, post_save
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from .errors import error_page

logger = logging.getLogger(__name__)

# A database or cache that cannot be reached, or a connection lost mid-request; a Redis replica that
# refuses writes while a failover promotes another. Not IntegrityError or other programming errors:
# those stay 500s, and the operator must see them as such.
CACHE_ERRORS = (redis.ConnectionError, redis.TimeoutError, redis.ReadOnlyError)
OUTAGE_ERRORS = (OperationalError, InterfaceError, *CACHE_ERRORS)
RETRY_AFTER_SECONDS = 30


class RequestWrites:
    """Whether a transaction of this request has committed a change: then the 503 page must not say
    that nothing was saved (the cache can fail after the commit, when the session is saved)."""

    committed = False


_current_writes: contextvars.ContextVar[RequestWrites | None] = contextvars.ContextVar("writes", default=None)


def _note_write(sender, **kwargs) -> None:
    writes = _current_writes.get()
    if writes is not None:
        # At once outside a transaction; after the commit inside one, and never if it rolls back.
        transaction.on_commit(lambda: setattr(writes, "committed", True))


post_save.connect(_note_write, dispatch_uid="core.outage.post_save")
post_delete.connect(_note_write, dispatch_uid="core.outage.post_delete")


def unavailable_page(request, exception: BaseException):
    # The class name only: the message of a connection error names hosts, never a customer.
    logger.warning("service unavailable: %s on %s", type(exception).__name__, request.method)
    writes = getattr(request, "writes", None)
    if writes is not None and writes.committed:
        message = _("What you sent has been saved, but this page could not be shown. Check the result later.")
    elif request.method in ("GET", "HEAD", "OPTIONS"):
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
        request.writes = RequestWrites()
        token = _current_writes.set(request.writes)
        try:
            return self.get_response(request)
        finally:
            _current_writes.reset(token)

    def process_exception(self, request, exception):
        if isinstance(exception, OUTAGE_ERRORS):
            return unavailable_page(request, exception)
        return None
