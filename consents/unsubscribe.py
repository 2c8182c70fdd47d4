"""One-click unsubscribe from a company's marketing email (RFC 8058, 特定電子メール法 Art. 3(3)).

A link carries a signed (policyholder id, company id, campaign); the signature is the authority, so
the pages need no login, set no cookie and are exempt from CSRF. GET shows a confirmation page; a
POST with `List-Unsubscribe=One-Click` (from the mailbox provider or the page's button) turns the
email channel off for that company. An opt-out never expires: a link works as long as the key that
signed it is SECRET_KEY or one of SECRET_KEY_FALLBACKS. A valid link is honoured while Redis (its rate
limit) is down: the law requires the opt-out, the limit only guards against floods.
"""

import hashlib

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from core.clientaddress import client_ip
from core.errors import allow_methods, error_page
from core.outage import CACHE_ERRORS
from core.ratelimit import RateLimit, too_many_requests
from customers.models import Policyholder

from .models import Channel, Preference, Source
from .selectors import marketing_companies
from .services import preferences_update

SALT = "consents.unsubscribe"
ONE_CLICK = "One-Click"
# (requests, window in seconds), counted in the shared cache. One link needs only a few requests (a
# link scanner, the page, the button, a provider's retry). A mailbox provider sends its customers'
# one-click POSTs from a pool of its servers, so an address is limited only for links that are not
# ours: valid unsubscribes are never refused for coming from a busy address.
LINK_LIMIT = RateLimit("unsubscribe-link", limit=10, window=15 * 60)
INVALID_LINK_IP_LIMIT = RateLimit("unsubscribe-invalid-ip", limit=60, window=60)


def unsubscribe_url(*, policyholder: Policyholder, company, campaign: str) -> str:
    # The policyholder's database id, not the customer number: the link must not carry personal data.
    token = signing.dumps({"p": policyholder.pk, "c": company.pk, "m": campaign}, salt=SALT)
    return settings.SITE_URL + reverse("consents:unsubscribe", kwargs={"token": token})


def _signed(token: str):
    """(the link's data, None) for a link we signed, whatever its age, else (None, a message for the
    visitor). No database: a flood of links that are not ours costs a signature check each."""
    try:
        data = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        data = None
    if not (isinstance(data, dict) and isinstance(data.get("p"), int) and isinstance(data.get("c"), int)):
        return None, _("This unsubscribe link is not valid. Please check that the whole address was opened.")
    return data, None


def _find(data: dict):
    """(policyholder, company, campaign) of a signed link, or None if either is gone."""
    policyholder = Policyholder.objects.filter(pk=data["p"]).first()
    company = marketing_companies().filter(pk=data["c"]).first()
    if policyholder is None or company is None:
        return None
    return policyholder, company, str(data.get("m", ""))


def _idempotency_key(token: str, policyholder: Policyholder, company) -> str:
    """Same link, same state → same key, so a repeated POST finds the first receipt. The cell's last
    event is part of it: after the customer opts in again, the old link unsubscribes again."""
    last_event = (
        Preference.objects.filter(policyholder=policyholder, company=company, channel__code=Channel.Code.EMAIL)
        .values_list("last_event_id", flat=True)
        .first()
    )
    return f"unsubscribe:{hashlib.sha256(token.encode()).hexdigest()[:32]}:{last_event or 0}"


def _too_many(request, limit: RateLimit, identifier: str):
    """The 429 page once `identifier` is over `limit`, else None."""
    if limit.exceeded(identifier):
        return too_many_requests(request, retry_after=limit.window)
    return None


@csrf_exempt
@allow_methods("GET", "HEAD", "POST")
def unsubscribe(request, token: str):
    data, message = _signed(token)
    if data is None:
        refused = _too_many(request, INVALID_LINK_IP_LIMIT, client_ip(request) or "unknown")
        return refused or error_page(request, status=400, message=message, title=_("This link cannot be used"))
    # Counted only for links we signed, so that forged ones cannot fill the cache with counters.
    try:
        refused = _too_many(request, LINK_LIMIT, token)
    except CACHE_ERRORS:
        refused = None  # Redis is down: a signed opt-out is still recorded (PostgreSQL holds it)
    if refused:
        return refused
    found = _find(data)
    if found is None:
        window = format_html('<a href="{}">{}</a>', reverse("contact:windows"), _("inquiry window"))
        message = format_html(_("This unsubscribe link can no longer be used. Please contact our {window}."),
                              window=window)
        return error_page(request, status=400, message=message, title=_("This link cannot be used"))
    policyholder, company, _campaign = found
    channel = Channel.objects.get(code=Channel.Code.EMAIL)
    context = {"company": company, "channel": channel}
    if request.method != "POST":
        return render(request, "consents/unsubscribe/confirm.html", context)
    if request.POST.get("List-Unsubscribe") != ONE_CLICK:
        return error_page(request, status=400, message=_("Please use the button on the unsubscribe page."))
    try:
        result = preferences_update(
            policyholder=policyholder,
            changes={(company.pk, Channel.Code.EMAIL): False},
            source=Source.UNSUBSCRIBE,
            idempotency_key=_idempotency_key(token, policyholder, company),
            ip_address=client_ip(request),
            user_agent=request.headers.get("User-Agent", ""),
        )
    except ValidationError as error:
        return error_page(request, status=400, message=" ".join(error.messages))
    context.update(receipt=result.receipt, emailed=bool(policyholder.email))
    return render(request, "consents/unsubscribe/done.html", context)
