"""Passwordless login for policyholders: single-use email links, rate limits, and the customer session.

Customers are not Django users. A logged-in customer is a policyholder id in the session; staff log in
to the admin with Django's own authentication, which this module does not touch.
"""

import base64
import datetime
import functools
import hashlib
import logging

from django.conf import settings
from django.db import transaction
from django.shortcuts import redirect, resolve_url
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.crypto import salted_hmac

from core.ratelimit import RateLimit

from .models import LoginToken, Policyholder, email_key

logger = logging.getLogger(__name__)

LINK_VALID_FOR = datetime.timedelta(minutes=15)
SESSION_KEY = settings.CUSTOMER_SESSION_KEY
# The customer page a login link brings the customer back to (set by the page that sent them to log in),
# and a mark that something they sent was kept for after the login (the login page says so).
RETURN_AFTER_LOGIN = "consents_after_login"
KEPT_FOR_LOGIN = "consents_pending_choices"
# Customer sessions end after this much inactivity; every customer page restarts the clock.
SESSION_IDLE_SECONDS = 30 * 60

# The sixth login request for one address within 15 minutes is refused.
LOGIN_ADDRESS_LIMIT = RateLimit("login-address", limit=5, window=15 * 60)
LOGIN_IP_LIMIT = RateLimit("login-ip", limit=20, window=15 * 60)
LINK_IP_LIMIT = RateLimit("link-ip", limit=30, window=15 * 60)


class LoginLinkError(Exception):
    """The link cannot log anyone in; `code` is unknown, used or expired."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def login_policyholder(email: str) -> Policyholder | None:
    """The policyholder a login address finds: one row of the unique index on `email_key`."""
    key = email_key(email.strip())
    if not key:
        return None
    return Policyholder.objects.filter(email_key=key).first()


def login_address_limited(email: str) -> bool:
    """Count one login request for the address, under the same normalisation the lookup uses: every
    spelling that finds a policyholder shares one limit, and a spelling counts alike whether or not
    anyone is registered under it, so the limit tells nothing about who is."""
    return LOGIN_ADDRESS_LIMIT.exceeded(email_key(email.strip()))


def _link_token(email_id: int) -> str:
    """The token of the login link that the email `email_id` carries: derived from the email (with the
    SECRET_KEY), so that every attempt to send that email carries the same link."""
    digest = salted_hmac("customers.login.link", f"outgoing-email:{email_id}", algorithm="sha256").digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def login_link_issue(*, policyholder: Policyholder, email_id: int) -> tuple[str, datetime.datetime]:
    """The single-use link of the login email `email_id`: (its token, when it expires). Written in the
    caller's transaction, which commits before the email is sent (customers.tasks.login_link_send): a link
    is never in an inbox before it works. The page that redeems it is the login page's
    (settings.CUSTOMER_LOGIN_URL)."""
    token = _link_token(email_id)
    now = timezone.now()
    link = LoginToken.objects.create(
        policyholder=policyholder, token_hash=_hash(token), created_at=now, expires_at=now + LINK_VALID_FOR
    )
    return token, link.expires_at


def login_link_of_email(*, policyholder: Policyholder, email_id: int) -> tuple[str, datetime.datetime]:
    """The link the email `email_id` carries, for each attempt to send it: the one issued with it (a second
    copy of the email, after a worker died between the mail server's "accepted" and its commit, carries the
    same working link). An email queued without one gets it now. LoginLinkError when it was used or has
    expired: that email has nothing left to send."""
    token = _link_token(email_id)
    link = LoginToken.objects.filter(token_hash=_hash(token)).first()
    if link is None:
        return login_link_issue(policyholder=policyholder, email_id=email_id)
    if link.used_at is not None:
        raise LoginLinkError("used")
    if link.expires_at <= timezone.now():
        raise LoginLinkError("expired")
    return token, link.expires_at


def login_link_check(*, token: str) -> LoginToken:
    """The unused, unexpired link for `token`, without using it; LoginLinkError otherwise."""
    link = LoginToken.objects.filter(token_hash=_hash(token)).select_related("policyholder").first()
    if link is None:
        raise LoginLinkError("unknown")
    if link.used_at is not None:
        raise LoginLinkError("used")
    if link.expires_at <= timezone.now():
        raise LoginLinkError("expired")
    return link


@transaction.atomic
def login_link_redeem(*, token: str) -> Policyholder:
    """Use the link once: of two simultaneous requests only one gets the policyholder."""
    link = login_link_check(token=token)
    now = timezone.now()
    used = LoginToken.objects.filter(pk=link.pk, used_at__isnull=True, expires_at__gt=now).update(used_at=now)
    if not used:
        raise LoginLinkError("used")
    # Older links sent to the same address are no longer needed once the customer is in.
    LoginToken.objects.filter(policyholder=link.policyholder, used_at__isnull=True).update(used_at=now)
    return link.policyholder


def customer_login(request, policyholder: Policyholder) -> None:
    # A new session key, so that a key planted before login (session fixation) is worth nothing.
    request.session.cycle_key()
    request.session[SESSION_KEY] = policyholder.pk
    request.session.set_expiry(SESSION_IDLE_SECONDS)


def customer_logout(request) -> None:
    request.session.flush()


def current_policyholder(request) -> Policyholder | None:
    policyholder_id = request.session.get(SESSION_KEY)
    if policyholder_id is None:
        return None
    return Policyholder.objects.filter(pk=policyholder_id).first()


def policyholder_required(view):
    """A customer page: the logged-in policyholder is `request.policyholder`; never cached anywhere."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        policyholder = current_policyholder(request)
        if policyholder is None:
            response = redirect(resolve_url(settings.CUSTOMER_LOGIN_URL) + "?required=1")
        else:
            request.policyholder = policyholder
            # Saving the session again restarts the 30-minute idle clock.
            request.session.set_expiry(SESSION_IDLE_SECONDS)
            response = view(request, *args, **kwargs)
        add_never_cache_headers(response)
        return response

    return wrapper


def after_login_path(request) -> str:
    """Where a login brings the customer: the customer page they were sent away from, or nowhere special."""
    path = request.session.pop(RETURN_AFTER_LOGIN, "")
    return path if path.startswith("/my/") else ""
