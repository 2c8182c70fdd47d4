"""Log filters and the JSON formatter, attached to the handlers in settings.LOGGING.

No log line may carry a customer's email, name or customer number, a live token or a client's IP
address: the request line (core/requestlog.py) is built from the URL pattern, the JSON
formatter writes only the fields it names, and the filters mask what Django and gunicorn put into
their own messages.
"""

import contextvars
import datetime
import logging
import re

from pythonjsonlogger.json import JsonFormatter as BaseJsonFormatter

# The id of the request this thread is answering; set by the request-log middleware.
current_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)

# Paths whose last segment is a live secret: a login link and a one-click unsubscribe link. Django's
# django.request logger writes the path of every 4xx ("Bad Request: %s"), so the token would reach the log.
# The URL pattern of the request line (`/login/link/<str:token>/`) is left as it is.
SECRET_PATH = re.compile(r"(/login/link/|/unsubscribe/)(?!<str:token>/)[^/\s?#\"']+")
# gunicorn's own lines name the client ("Invalid request from ip=203.0.113.7: …") and the URI of a
# request it could not answer, query string included ("Error handling request GET /api/v1/…?customer=…").
CLIENT_DETAILS = re.compile(r"(ip=)\S*?(?=: |\s|$)|(\?)[^\s\"']+")
# PostgreSQL's errors quote the row in a DETAIL line: "Key (email)=(hanako@example.com) already exists.",
# "Failing row contains (…, 楽天 花子, …)". A traceback keeps the first line, which names the constraint.
DATABASE_DETAIL = re.compile(r"^(DETAIL:).*$", re.MULTILINE)
MASK = "…"
PLAIN_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"

# What a JSON line holds besides time, level, logger, message, request_id and a traceback. Anything
# else a caller or a library passes as `extra` is left out: Django's django.request passes the request
# itself, whose repr holds the full path with its query string (a customer number, a login token).
JSON_EXTRA_FIELDS = ("method", "route", "status", "duration_ms", "streamed", "client", "status_code")


def mask_tokens(text: str) -> str:
    return SECRET_PATH.sub(lambda match: match.group(1) + MASK, text)


def mask_client_details(text: str) -> str:
    return CLIENT_DETAILS.sub(lambda match: (match.group(1) or match.group(2)) + MASK, text)


class _MaskFilter(logging.Filter):
    """Replace what `mask` finds in the record's message with …

    The message is formatted first, so a secret split between `msg` and `args` is caught too; a record
    with one is left with the masked text as `msg` and no `args`.
    """

    @staticmethod
    def mask(text: str) -> str:
        raise NotImplementedError

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record: leave it to the handler's own error handling
            return True
        masked = self.mask(message)
        if masked != message:
            record.msg, record.args = masked, ()
        return True


class MaskTokensFilter(_MaskFilter):
    """The token of login-link and unsubscribe paths."""

    mask = staticmethod(mask_tokens)


class MaskClientFilter(_MaskFilter):
    """The client's address and the query string in gunicorn's own lines."""

    mask = staticmethod(mask_client_details)


def route_of(request) -> str | None:
    """The URL pattern that answered (`/login/link/<str:token>/`); None for a path no pattern matched."""
    match = getattr(request, "resolver_match", None)
    return None if match is None else "/" + match.route


def _escaped(text: str) -> str:
    return text.encode("unicode_escape").decode("ascii")


class PathToRouteFilter(logging.Filter):
    """Django's django.request line names the request's path ("Not Found: /my/receipts/R2026…/"), and a
    path can hold a receipt number, a token, or an email address typed into the address bar. The line
    keeps the URL pattern instead, as the request line does ("-" where no pattern matched)."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        args = record.args
        path = getattr(request, "path", None)
        # Django escapes non-ASCII in the arguments it logs (/\u5c71…/), so the path is met in either form.
        if path is not None and isinstance(args, tuple) and args and args[-1] in (path, _escaped(path)):
            record.args = (*args[:-1], route_of(request) or "-")
        return True


class RequestIdFilter(logging.Filter):
    """Give the record the id of the request being answered, so that every line it causes can be found."""

    def filter(self, record: logging.LogRecord) -> bool:
        request_id = current_request_id.get()
        if request_id is not None:
            record.request_id = request_id
        return True


def mask_traceback(text: str) -> str:
    return DATABASE_DETAIL.sub(r"\1 " + MASK, text)


class PlainFormatter(logging.Formatter):
    """Text for a developer's console: `time level logger [request id] message`."""

    def __init__(self):
        super().__init__(PLAIN_FORMAT, defaults={"request_id": "-"})

    def formatException(self, ei) -> str:
        return mask_traceback(super().formatException(ei))


class JsonFormatter(BaseJsonFormatter):
    """One JSON object a line: time (UTC, ISO 8601), level, logger, message and request_id on every
    line, then the fields of JSON_EXTRA_FIELDS the record has. A request line:

    {"time": "2025-04-01T00:12:34.567+00:00", "level": "INFO", "logger": "privacy_portal.requests",
     "message": "GET /my/ 200 4.1ms", "request_id": "3f2c…", "method": "GET", "route": "/my/", …}

    `request_id` is null outside a request; a traceback is under `exc_info`, without the row values a
    database error quotes. Japanese stays readable (UTF-8, not \\u escapes).
    """

    def __init__(self, **kwargs):
        super().__init__(**{"json_ensure_ascii": False, **kwargs})

    def formatException(self, ei) -> str:
        return mask_traceback(super().formatException(ei))

    def add_fields(self, log_data: dict, record: logging.LogRecord, message_dict: dict) -> None:
        log_data["time"] = datetime.datetime.fromtimestamp(record.created, datetime.UTC).isoformat(
            timespec="milliseconds"
        )
        log_data["level"] = record.levelname
        log_data["logger"] = record.name
        log_data["message"] = record.message
        log_data["request_id"] = getattr(record, "request_id", None)
        fields = record.__dict__
        for key in JSON_EXTRA_FIELDS:
            if key in fields:
                log_data[key] = fields[key]
        for key in ("exc_info", "stack_info"):
            if message_dict.get(key):
                log_data[key] = message_dict[key]


class AsWarningFilter(logging.Filter):
    """Logs a logger's ERROR records at WARNING: Django logs a request for a host not in ALLOWED_HOSTS (a
    scanner, a misrouted probe) as an error, which no one needs to be woken for; it is answered with a 400."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno > logging.WARNING:
            record.levelno, record.levelname = logging.WARNING, logging.getLevelName(logging.WARNING)
        return True
