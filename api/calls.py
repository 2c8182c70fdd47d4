"""Every API call leaves one log line: client, endpoint, status, duration. Never a customer number:
the endpoint is the path without its query string, and no path of the API carries personal data."""

import functools
import logging
import time

from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

from .problems import problem_response

logger = logging.getLogger("api.calls")

# A batch of 1,000 customer numbers is about 25 kB; anything near this is not a request we serve.
MAX_BODY_BYTES = 1024 * 1024


def _content_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def _log(request, status: int, started: float) -> None:
    client = getattr(request, "auth", None)
    logger.info(
        "api_call client=%s endpoint=%s status=%d duration_ms=%.1f",
        client.pk if client is not None else "-",
        f"{request.method} {request.path}",
        status,
        (time.monotonic() - started) * 1000,
    )


def _logged_stream(content, request, status: int, started: float):
    try:
        yield from content
    finally:  # also when the client goes away mid-stream
        _log(request, status, started)


def logged_call(run):
    """A ninja "view" decorator: wraps authentication, validation and the operation itself."""

    @functools.wraps(run)
    def wrapper(request, *args, **kwargs):
        started = time.monotonic()
        if _content_length(request) > MAX_BODY_BYTES:
            response = problem_response(
                413, "body-too-large", _("The request body is larger than %(size)d bytes.") % {"size": MAX_BODY_BYTES}
            )
        else:
            response = run(request, *args, **kwargs)
        # Answers are about named customers: no shared cache may keep them.
        patch_cache_control(response, no_store=True, private=True)
        if response.streaming:
            content = response.streaming_content
            response.streaming_content = _logged_stream(content, request, response.status_code, started)
        else:
            _log(request, response.status_code, started)
        return response

    return wrapper
