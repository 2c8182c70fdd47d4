"""Bearer tokens, company scope and the per-client rate limit."""

import time

from django.conf import settings
from django.utils.translation import gettext as _
from ninja.security import HttpBearer

from core.memo import process_memo
from core.ratelimit import count_hit
from core.requestlog import log_client

from .models import ApiClient
from .problems import ApiProblem, unauthorized

RATE_WINDOW_SECONDS = 60
# A client (its scope, its revocation) is read once per this many seconds per server process. A
# change in the admin clears this process's copy at once and reaches the other servers in this time.
CLIENT_MEMO_SECONDS = 2


@process_memo(seconds=CLIENT_MEMO_SECONDS, keep_none=False)
def _client_for_token(token: str) -> ApiClient | None:
    client = ApiClient.objects.for_token(token)
    if client is not None:
        client.company_ids()  # read the scope now, once, with the client
    return client


def api_clients_changed(**kwargs) -> None:
    _client_for_token.clear()


class BearerToken(HttpBearer):
    def authenticate(self, request, token: str) -> ApiClient:
        client = _client_for_token(token)
        if client is None:
            raise unauthorized(_("This API token is not valid."))
        if client.is_revoked:
            raise unauthorized(_("This API token has been revoked."))
        log_client(request, client.pk)  # a refusal by the rate limit names the client too
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
    count = count_hit(key, window=RATE_WINDOW_SECONDS * 2)
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
