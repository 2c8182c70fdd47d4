"""The visitor's address, read the same way by the customer login limits, the staff lockout, the API,
one-click unsubscribe and the address stored with every consent event."""

import ipaddress

from django.conf import settings


def client_ip(request) -> str | None:
    """The visitor's address. Behind TRUSTED_PROXY_COUNT proxies it is that many hops from the right of
    X-Forwarded-For; anything further left was written by the client and cannot be trusted."""
    address = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        if len(hops) >= proxies:
            address = hops[-proxies]
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:  # stored in an inet column: never let a malformed header reach it
        return None
