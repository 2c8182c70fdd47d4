"""While PostgreSQL or Redis does not answer: a Japanese 503 that says whether anything was saved,
never a 500 trace. Public pages already in the page cache keep serving (core.pagecache), and the
next request after the service is back works again without a restart (CONN_HEALTH_CHECKS)."""

import contextlib
import logging
import re
import traceback

import redis
from django.conf import settings
from django.db import InterfaceError, OperationalError, connections, transaction
from django.shortcuts import resolve_url
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from .errors import error_page
from .ratelimit import hits_recorded, hits_take_back

logger = logging.getLogger(__name__)

# A database or cache that cannot be reached, or a connection lost mid-request; a Redis replica that
# refuses writes while a failover promotes another. Not IntegrityError or other programming errors:
# those stay 500s, and the operator must see them as such.
CACHE_ERRORS = (redis.ConnectionError, redis.TimeoutError, redis.ReadOnlyError)
DATABASE_ERRORS = (OperationalError, InterfaceError)
OUTAGE_ERRORS = (*DATABASE_ERRORS, *CACHE_ERRORS)
RETRY_AFTER_SECONDS = 30


# A statement that changes rows starts with one of these; Django's SAVEPOINT and RELEASE, a SELECT (FOR
# UPDATE too) do not.
WRITE_STATEMENT = re.compile(r"\s*(?:INSERT|UPDATE|DELETE|MERGE|REPLACE|TRUNCATE)\b", re.IGNORECASE)


class RequestWrites:
    """Whether this request has committed a change: then the 503 page must not say that nothing was
    saved (the cache can fail after the commit, when the session is saved).

    It wraps every statement the request runs on any database connection (connection.execute_wrapper),
    so it sees a save(), a QuerySet.update() or delete() and raw SQL alike. A write that succeeds counts
    at once in autocommit, when its transaction commits otherwise, and never if it is rolled back.

    A COMMIT that fails is neither: the server may have committed and lost the connection before its
    answer arrived. `unknown(error)` tells that case apart, so that the page says what is true.
    """

    def __init__(self):
        self.committed = False
        # A write inside a transaction that has neither committed nor lost a statement since.
        self.pending = False
        self.statement_error = None

    def _commit_seen(self) -> None:
        self.committed = True
        self.pending = False

    def __call__(self, execute, sql, params, many, context):
        try:
            result = execute(sql, params, many, context)
        except DATABASE_ERRORS as error:
            # The statement failed: its transaction is rolled back, and the error is not the commit's.
            self.statement_error = error
            self.pending = False
            raise
        if not self.committed and isinstance(sql, str) and WRITE_STATEMENT.match(sql):
            connection = context["connection"]
            if connection.in_atomic_block:
                # Forgotten with the savepoint or the transaction if either is rolled back.
                self.pending = True
                connection.on_commit(self._commit_seen)
            elif connection.get_autocommit():
                self._commit_seen()
        return result

    def unknown(self, error: BaseException) -> bool:
        """Whether `error` is a database error raised while committing a transaction that wrote: whether
        the server committed it cannot be known from here."""
        if self.committed or not self.pending or not isinstance(error, DATABASE_ERRORS):
            return False
        if self.statement_error is not None and self.statement_error in (error, error.__cause__):
            return False
        # Raised by transaction.atomic's exit (its COMMIT), not by the code inside the block.
        return any(
            frame.f_code.co_name == "__exit__" and frame.f_code.co_filename == transaction.__file__
            for frame, _line in traceback.walk_tb(error.__traceback__)
        )

    @contextlib.contextmanager
    def tracking(self):
        """Watch the statements of every database connection while the block runs."""
        with contextlib.ExitStack() as stack:
            for alias in connections:
                stack.enter_context(connections[alias].execute_wrapper(self))
            yield self


def unavailable_page(request, exception: BaseException):
    # The class name only: the message of a connection error names hosts, never a customer.
    logger.warning("service unavailable: %s on %s", type(exception).__name__, request.method)
    writes = getattr(request, "writes", None)
    link = None
    if request.method in ("GET", "HEAD", "OPTIONS"):
        # The visitor sent nothing to save (a page may still have written its own bookkeeping).
        message = _("The service is temporarily unavailable. Please try again in a few minutes.")
    elif writes is not None and writes.committed:
        message = _("What you sent has been saved, but this page could not be shown. Check the result later.")
    elif writes is not None and writes.unknown(exception):
        # Never "not saved": a customer who believes that and changes something else is misled.
        message = _("We could not confirm whether what you sent was saved. Please check your history of changes.")
        link = (resolve_url(settings.CHANGE_HISTORY_URL), _("Your history of changes"))
    else:
        # The request's transaction was rolled back (or never began): what was sent is not stored.
        message = _("What you sent has not been saved. Please try again in a few minutes.")
    response = error_page(request, status=503, message=message, link=link)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response


class OutageMiddleware:
    """Turns a lost database or cache in any view into the 503 page (the API answers its own 503)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.writes = RequestWrites()
        with request.writes.tracking(), hits_recorded() as hits:
            response = self.get_response(request)
        if response.status_code == 503 and hits:
            # Not served: the rate limits count only requests that were.
            hits_take_back(hits)
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, OUTAGE_ERRORS):
            return unavailable_page(request, exception)
        return None
