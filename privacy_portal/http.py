import functools

from django.conf import settings
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe


def public_page(view):
    """A page anyone may read: GET/HEAD only, cacheable by browsers and a CDN.

    Such a view must not touch the session or the user, so that no cookie is set and no
    `Vary: Cookie` is added; ConditionalGetMiddleware adds the ETag and answers 304.
    """

    @require_safe
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.status_code == 200:
            patch_cache_control(response, public=True, max_age=settings.PUBLIC_CACHE_SECONDS)
        return response

    return wrapper
