"""Every request gets an id, sent back as `X-Request-ID` and put on every log line the request causes,
and leaves one line on `privacy_portal.requests`: method, URL pattern, status, duration, and for an API
call whose token was accepted, the client's id. That line is the API's call log too.

Never the path itself (a login link's path is its token, a receipt's path its number), the query
string, the client's address or user agent, or who a customer or staff member is. First in
MIDDLEWARE, so that it times everything and sees every answer: redirects, error pages, static files,
the API.
"""

import logging
import re
import time
import uuid

from django.conf import settings
from django.core.signals import request_finished

from .logging import current_request_id, route_of

logger = logging.getLogger("privacy_portal.requests")

HEADER = "X-Request-ID"
# An id the load balancer set: used only from behind a trusted proxy, and only if it is a plain
# token, so that a client cannot write what it likes into the log.
INCOMING_ID = re.compile(r"[A-Za-z0-9._-]{8,128}")


def _request_id(request) -> str:
    incoming = request.META.get("HTTP_X_REQUEST_ID")
    if incoming and settings.TRUSTED_PROXY_COUNT > 0 and INCOMING_ID.fullmatch(incoming):
        return incoming
    return uuid.uuid4().hex


def log_client(request, client_id: int) -> None:
    """Name the API client (its id, never its token) on the request's line."""
    request.log_client = client_id


def _log(request, status: int, started: float, *, streamed: bool) -> None:
    method, route, duration_ms = request.method, route_of(request), round((time.monotonic() - started) * 1000, 1)
    client = getattr(request, "log_client", None)
    fields = {"method": method, "route": route, "status": status, "duration_ms": duration_ms, "streamed": streamed}
    if client is None:
        logger.info("%s %s %d %.1fms", method, route or "-", status, duration_ms, extra=fields)
    else:
        message = "%s %s %d %.1fms client=%s"
        logger.info(message, method, route or "-", status, duration_ms, client, extra={**fields, "client": client})


def _logged_stream(content, request, status: int, started: float):
    try:
        yield from content
    finally:  # also when the client goes away mid-stream
        _log(request, status, started, streamed=True)


def _forget_request_id(**kwargs) -> None:
    current_request_id.set(None)


# Sent when the server closes the response, after the last byte of a stream.
request_finished.connect(_forget_request_id, dispatch_uid="core.requestlog")


def request_log(get_response):
    def middleware(request):
        started = time.monotonic()
        request_id = _request_id(request)
        # Kept until the response is closed, not only until the middleware returns: Django logs a 4xx
        # after it, and a streamed answer is written after it too.
        current_request_id.set(request_id)
        response = get_response(request)
        # Set on the way out, on each response: a cached public page never replays another request's id.
        response[HEADER] = request_id
        # A streamed answer (the API export) is logged when its stream ends. A file (static files)
        # goes out by sendfile, which a wrapped stream would lose: it is logged when its answer starts.
        if response.streaming and getattr(response, "file_to_stream", None) is None:
            content = response.streaming_content
            response.streaming_content = _logged_stream(content, request, response.status_code, started)
        else:
            _log(request, response.status_code, started, streamed=False)
        return response

    return middleware
