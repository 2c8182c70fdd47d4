"""The visitor's address, read the same way by the customer login limits, the staff lockout, the API,
one-click unsubscribe and the address stored with every consent event."""

import ipaddress
import re

from django.conf import settings
from django.utils.translation import gettext as _

from .errors import error_page

# What load balancers write: 203.0.113.9, 203.0.113.9:51234, 2001:db8::7, [2001:db8::7], [2001:db8::7]:443.
BRACKETED = re.compile(r"^\[([0-9A-Fa-f:.]+)\](?::\d{1,5})?\Z")
IPV4_WITH_PORT = re.compile(r"^(\d{1,3}(?:\.\d{1,3}){3}):\d{1,5}\Z")
# Paths answered whatever the address: the load balancer's own checks.
EXEMPT = re.compile(r"^/(healthz|readyz)/?\Z")


def _parse(hop: str) -> str | None:
    hop = hop.strip()
    match = BRACKETED.match(hop) or IPV4_WITH_PORT.match(hop)
    try:
        return str(ipaddress.ip_address(match.group(1) if match else hop))
    except ValueError:  # stored in an inet column: never let a malformed header reach it
        return None


def client_ip(request) -> str | None:
    """The visitor's address. Behind TRUSTED_PROXY_COUNT proxies it is that many hops from the right of
    X-Forwarded-For; anything further left was written by the client and cannot be trusted."""
    address = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        if len(hops) >= proxies:
            address = hops[-proxies]
    return _parse(address)


class ClientAddressMiddleware:
    """A request whose address cannot be read is refused (400): counted under a shared name it would
    pool every such client into one login limit, and the staff lockout would fall back to the
    username alone, letting anyone lock a colleague out."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if client_ip(request) is None and not EXEMPT.match(request.path_info):
            return error_page(
                request, status=400,
                message=_("The address this request came from could not be determined. Please try again later."),
            )
        return self.get_response(request)
