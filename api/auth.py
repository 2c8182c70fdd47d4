"""Bearer tokens, company scope and the per-client rate limit."""

import time

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _
from ninja.security import HttpBearer

from .models import ApiClient
from .problems import ApiProblem, unauthorized

RATE_WINDOW_SECONDS = 60


class BearerToken(HttpBearer):
    def authenticate(self, request, token: str) -> ApiClient:
        client = ApiClient.objects.for_token(token)
        if client is None:
            raise unauthorized(_("This API token is not valid."))
        if client.is_revoked:
            raise unauthorized(_("This API token has been revoked."))
        rate_limit_check(client)
        client.touch()
        return client


def rate_limit_check(client: ApiClient) -> None:
    """A fixed one-minute window per client, counted in the shared cache so it holds across servers."""
    limit = settings.API_RATE_LIMIT
    if not limit:
        return
    now = time.time()
    key = f"api-rate:{client.pk}:{int(now // RATE_WINDOW_SECONDS)}"
    cache.add(key, 0, timeout=RATE_WINDOW_SECONDS * 2)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=RATE_WINDOW_SECONDS * 2)
        count = 1
    if count > limit:
        retry_after = RATE_WINDOW_SECONDS - int(now % RATE_WINDOW_SECONDS)
        raise ApiProblem(
            429,
            "rate-limited",
            _("This client has made more than %(limit)d calls in a minute. Retry after %(seconds)d seconds.")
            % {"limit": limit, "seconds": retry_after},
            headers={"Retry-After": str(retry_after)},
        )


def require_company(client: ApiClient, company_id: int) -> None:
    if company_id not in client.company_ids():
        detail = _("This client may not ask about company %(company)s.") % {"company": company_id}
        raise ApiProblem(403, "company-out-of-scope", detail)
