"""What every API call gets besides its operation: a body-size limit and headers that keep its answer
out of every shared cache. Its log line is the request line (core/requestlog.py), which names the
client once the token is accepted (api/auth.py)."""

import functools

from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

from .problems import problem_response

# A batch of 1,000 customer numbers is about 25 kB; anything near this is not a request we serve.
MAX_BODY_BYTES = 1024 * 1024


def _content_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def api_call(run):
    """A ninja "view" decorator: wraps authentication, validation and the operation itself."""

    @functools.wraps(run)
    def wrapper(request, *args, **kwargs):
        if _content_length(request) > MAX_BODY_BYTES:
            response = problem_response(
                413, "body-too-large", _("The request body is larger than %(size)d bytes.") % {"size": MAX_BODY_BYTES}
            )
        else:
            response = run(request, *args, **kwargs)
        # Answers are about named customers: no shared cache may keep them.
        patch_cache_control(response, no_store=True, private=True)
        return response

    return wrapper
