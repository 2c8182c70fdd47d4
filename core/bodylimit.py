"""A cap on the size of what a client sends, applied before anything reads the body: Django parses a
multipart body (writing its files to a temporary directory) when the first middleware or view reads
request.POST, and CSRF checks do, so a body refused later has already filled the disk.

The cap is read from Content-Length, which is all Django ever reads of a body (a body without it, sent
chunked, is read as empty). A visitor who is not logged in may send little (the inquiry form, the login
form); a logged-in customer or staff member more; the pages that take documents the documents' size.
The load balancer should refuse larger bodies itself (README, "Running in production")."""

from django.conf import settings
from django.contrib.auth import SESSION_KEY as STAFF_SESSION_KEY
from django.utils.translation import gettext as _

from .errors import error_page


def body_limit(request, *, signed_in: bool) -> int:
    if not signed_in:
        return settings.ANONYMOUS_BODY_MAX_BYTES
    for prefix, limit in settings.DOCUMENT_UPLOAD_PATHS.items():
        if request.path_info.startswith(prefix):
            return limit
    return settings.SIGNED_IN_BODY_MAX_BYTES


def _signed_in(request) -> bool:
    session = getattr(request, "session", None)
    return session is not None and (STAFF_SESSION_KEY in session or settings.CUSTOMER_SESSION_KEY in session)


class BodySizeLimitMiddleware:
    """413, in Japanese, for a body larger than the visitor may send; after SessionMiddleware (a logged-in
    visitor may send more) and before anything reads request.POST."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith("/api/"):
            # The API has its own limit, answered in its own format (api/calls.py); it reads JSON, never
            # multipart, and only once its token is accepted.
            return self.get_response(request)
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return error_page(request, status=400, message=_("The request could not be read. Please try again."))
        # The session is read only for a body that a visitor who is not logged in may not send.
        if length > settings.ANONYMOUS_BODY_MAX_BYTES and length > body_limit(request, signed_in=_signed_in(request)):
            response = error_page(
                request, status=413,
                message=_("What you sent is larger than this page accepts. Please send smaller files or less text."),
            )
            # The body is not read: the connection cannot carry another request after this answer.
            response["Connection"] = "close"
            return response
        return self.get_response(request)
