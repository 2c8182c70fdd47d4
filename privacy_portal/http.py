import functools
import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

GENERATION_KEY = "public-pages:generation"
CACHED_HEADERS = ("Content-Type", "Cache-Control", "Content-Language")


def public_content_changed(**kwargs) -> None:
    """Every cached public page is stale: called (as a signal receiver too) when published content changes."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 1, timeout=None)


def _page_key(request) -> str:
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        # First request after a cache flush: start a generation every server will see.
        cache.add(GENERATION_KEY, 1, timeout=None)
        generation = cache.get(GENERATION_KEY, 1)
    # The Tokyo date is part of the key, so a version whose effective date arrives at midnight is
    # in force on the first request of that day with no one doing anything.
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    return f"public-pages:{generation}:{timezone.localdate().isoformat()}:{path}"


def public_page(view):
    """A page anyone may read: GET/HEAD only, cacheable by browsers and a CDN, and by the server.

    Such a view must not touch the session or the user, so that no cookie is set and no
    `Vary: Cookie` is added; ConditionalGetMiddleware adds the ETag and answers 304. A 200 is kept
    in the shared cache until published content changes or the Tokyo date does.
    """

    @require_safe
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        key = _page_key(request)
        cached = cache.get(key)
        if cached is not None:
            content, headers = cached
            response = HttpResponse(content)
            for name, value in headers.items():
                response[name] = value
            return response
        response = view(request, *args, **kwargs)
        if response.status_code == 200:
            patch_cache_control(response, public=True, max_age=settings.PUBLIC_CACHE_SECONDS)
            if hasattr(response, "render"):
                response.render()
            headers = {name: response[name] for name in CACHED_HEADERS if response.has_header(name)}
            cache.set(key, (response.content, headers), timeout=settings.PUBLIC_PAGE_CACHE_SECONDS)
        return response

    return wrapper
