"""The general inquiry form's defence against bots without a third-party CAPTCHA: a signed ticket made
when the form is shown (a form sent back a few seconds later is a bot's, one sent hours later is
stale), a field people never see (a bot fills every field), and rate limits per IP and per address."""

import secrets
import time

from django.core import signing

from core.ratelimit import RateLimit

# Named for the app that served the form first: a new salt would refuse the forms open when a release changes it.
SALT = "desk.contact-form"
MIN_SECONDS = 3
MAX_SECONDS = 3 * 60 * 60
HONEYPOT = "website"

INQUIRY_IP_LIMIT = RateLimit("inquiry-ip", limit=5, window=60 * 60)
INQUIRY_ADDRESS_LIMIT = RateLimit("inquiry-address", limit=3, window=60 * 60)


class TicketError(Exception):
    """`code` is invalid, too_fast or expired."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def ticket_issue(*, now: float | None = None) -> str:
    """Signed with SECRET_KEY: the time the form was shown and a nonce, which keys the inquiry it makes."""
    return signing.dumps({"t": round(time.time() if now is None else now, 1), "n": secrets.token_hex(12)}, salt=SALT)


def ticket_check(ticket: str, *, now: float | None = None) -> str:
    """The ticket's nonce, if it was signed here between MIN_SECONDS and MAX_SECONDS ago."""
    try:
        data = signing.loads(ticket or "", salt=SALT)
        shown_at, nonce = float(data["t"]), str(data["n"])
    except (signing.BadSignature, KeyError, TypeError, ValueError) as error:
        raise TicketError("invalid") from error
    age = (time.time() if now is None else now) - shown_at
    if age < MIN_SECONDS:
        raise TicketError("too_fast")
    if age > MAX_SECONDS:
        raise TicketError("expired")
    return nonce
