"""Choices made on the preferences page after the customer's login had ended, kept until they log in again.

The session is gone, so the choices go to the cache under the form's idempotency key (never into a URL),
and a new session remembers the key and the page to come back to. The login link's session keeps both
(customer_login cycles the key, not the data); the preferences page puts the choices back, unsaved.
"""

import functools

from django.core.cache import cache

from customers.login import KEPT_FOR_LOGIN, RETURN_AFTER_LOGIN, SESSION_KEY

from .forms import IDEMPOTENCY_KEY, PreferencesForm
from .selectors import default_matrix

# The login page says the choices were kept when this key is in the session.
PENDING_KEY = KEPT_FOR_LOGIN
NEXT_KEY = RETURN_AFTER_LOGIN
# Long enough to ask for and open a login link (valid 15 minutes), short enough not to keep choices around.
PENDING_SECONDS = 60 * 60


def _cache_key(idempotency_key: str) -> str:
    return f"consents:pending-choices:{idempotency_key}"


def return_after_login(view):
    """A customer page that, when the visitor is not logged in, is where the login link brings them back to;
    a preferences form posted to it keeps the choices it carried. Outside policyholder_required, which
    sends the visitor to the login page."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if SESSION_KEY not in request.session:
            request.session[NEXT_KEY] = request.path
            request.session.set_expiry(PENDING_SECONDS)
            pending_choices_keep(request)
        return view(request, *args, **kwargs)

    return wrapper


def pending_choices_keep(request) -> bool:
    """Keep what a preferences form posted without a login: only the cells the customer changed on the page,
    checked as the form checks them (whose they were is not known yet). False when there is nothing to keep."""
    if SESSION_KEY in request.session or request.method != "POST" or "idempotency_key" not in request.POST:
        return False
    form = PreferencesForm(request.POST, matrix=default_matrix())
    if not form.is_valid():
        return False
    chosen = form.chosen()
    key = form.cleaned_data["idempotency_key"]
    if not chosen or not IDEMPOTENCY_KEY.match(key):
        return False
    cache.set(_cache_key(key), chosen, PENDING_SECONDS)
    request.session[PENDING_KEY] = key
    return True


def pending_choices_take(request) -> dict[str, str]:
    """The kept choices ({field name: "on"/"off"}), once; empty when none are kept or they have expired."""
    key = request.session.pop(PENDING_KEY, None)
    if not key:
        return {}
    choices = cache.get(_cache_key(key)) or {}
    cache.delete(_cache_key(key))
    return choices
