"""Logging filters. Attached to the handlers in settings.LOGGING."""

import logging
import re

# Paths whose last segment is a live secret: a login link and a one-click unsubscribe link. Django's
# django.request logger writes the path of every 4xx ("Bad Request: %s"), so the token would reach the log.
SECRET_PATH = re.compile(r"(/login/link/|/unsubscribe/)[^/\s?#\"']+")
MASK = "…"


def mask_tokens(text: str) -> str:
    return SECRET_PATH.sub(lambda match: match.group(1) + MASK, text)


class MaskTokensFilter(logging.Filter):
    """Replace the token in login-link and unsubscribe paths with … in the record's message.

    The message is formatted first, so a path split between `msg` and `args` is caught too; a record
    with a token is left with the masked text as `msg` and no `args`.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record: leave it to the handler's own error handling
            return True
        masked = mask_tokens(message)
        if masked != message:
            record.msg, record.args = masked, ()
        return True
