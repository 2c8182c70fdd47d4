import functools
import hashlib
import logging
import threading
import time
import uuid

import cachetools
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from .outage import CACHE_ERRORS

GENERATION_KEY = "public-pages:generation"
CACHED_HEADERS = ("Content-Type", "Cache-Control", "Content-Disposition")
# Each server process also keeps the pages it served last, so a cached page costs no network
# round trip; it asks the shared cache for the current generation at most once a second.
GENERATION_CHECK_SECONDS = 1.0
LOCAL_PAGES_MAX = 256
# While the shared cache does not answer, public pages do without it for this long before trying
# again: the pages this process holds are served, the others rendered from the database.
CACHE_OUTAGE_PAUSE_SECONDS = 5.0

logger = logging.getLogger(__name__)

# cachetools' caches are not thread-safe, and gunicorn may run threads.
_local_pages: cachetools.LRUCache[str, tuple[bytes, dict]] = cachetools.LRUCache(maxsize=LOCAL_PAGES_MAX)
_local_pages_lock = threading.Lock()
_generation: dict[str, str | float] = {"value": "", "checked_at": float("-inf"), "shared_down_until": float("-inf")}


def reset_local_page_cache() -> None:
    with _local_pages_lock:
        _local_pages.clear()
    _generation.update(value="", checked_at=float("-inf"), shared_down_until=float("-inf"))


def _shared_cache_up() -> bool:
    return time.monotonic() >= _generation["shared_down_until"]


def _shared_cache_lost(error: Exception) -> None:
    logger.warning("public pages: shared cache unavailable (%s); serving without it", type(error).__name__)
    _generation["shared_down_until"] = time.monotonic() + CACHE_OUTAGE_PAUSE_SECONDS


def _new_generation() -> None:
    cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
    reset_local_page_cache()


def public_content_changed(**kwargs) -> None:
    """Every cached public page is stale: called (as a signal receiver too) when published content changes.

    The generation is a random token, not a counter, so a flushed cache can never bring back an
    old generation's pages. It changes now and again when the transaction commits: a page another
    server renders in between, from the data before the commit, is dropped too.
    """
    _new_generation()
    transaction.on_commit(_new_generation)


def shown_on_public_pages(*models) -> None:
    """Saving or deleting a row of any of these models makes every cached public page stale (an app's ready())."""
    for model in models:
        label = model._meta.label_lower
        post_save.connect(public_content_changed, sender=model, dispatch_uid=f"public-pages-{label}-save")
        post_delete.connect(public_content_changed, sender=model, dispatch_uid=f"public-pages-{label}-delete")


def _current_generation() -> str:
    now = time.monotonic()
    if now - _generation["checked_at"] > GENERATION_CHECK_SECONDS and _shared_cache_up():
        try:
            value = cache.get(GENERATION_KEY)
            if value is None:
                cache.add(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
                value = cache.get(GENERATION_KEY)
        except CACHE_ERRORS as error:
            # Content cannot change meanwhile: publishing needs the cache to announce a new generation.
            _shared_cache_lost(error)
        else:
            _generation.update(value=value, checked_at=now)
    return _generation["value"]


def _page_key(request) -> str:
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    # The Tokyo date is part of the key, so a version whose effective date arrives at midnight is
    # in force on the first request of that day with no one doing anything.
    return f"public-pages:{_current_generation()}:{timezone.localdate().isoformat()}:{path}"


def _remember_locally(key: str, page: tuple[bytes, dict]) -> None:
    with _local_pages_lock:
        _local_pages[key] = page


def _cached_page(key: str) -> tuple[bytes, dict] | None:
    with _local_pages_lock:
        page = _local_pages.get(key)
    if page is None and _shared_cache_up():
        try:
            page = cache.get(key)
        except CACHE_ERRORS as error:
            _shared_cache_lost(error)
        if page is not None:
            _remember_locally(key, page)
    return page


def _share(key: str, page: tuple[bytes, dict]) -> None:
    if not _shared_cache_up():
        return
    try:
        cache.set(key, page, timeout=settings.PUBLIC_PAGE_CACHE_SECONDS)
    except CACHE_ERRORS as error:
        _shared_cache_lost(error)


def public_page(view):
    """A page anyone may read: GET/HEAD only, cacheable by browsers and a CDN, and by the server.

    Such a view must not touch the session or the user, so that no cookie is set and no
    `Vary: Cookie` is added; ConditionalGetMiddleware adds the ETag and answers 304. A 200 is kept
    until published content changes or the Tokyo date does.
    """

    @require_safe
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        key = _page_key(request)
        page = _cached_page(key)
        if page is not None:
            content, headers = page
            response = HttpResponse(content)
            for name, value in headers.items():
                response[name] = value
            return response
        response = view(request, *args, **kwargs)
        if response.status_code == 200:
            patch_cache_control(response, public=True, max_age=settings.PUBLIC_CACHE_SECONDS)
            if hasattr(response, "render"):
                response.render()
            page = (response.content, {name: response[name] for name in CACHED_HEADERS if response.has_header(name)})
            if not request.GET:
                # Query strings (a FAQ search, ?as_of=) are endless: they stay in the bounded local
                # memory only, so nobody can fill the shared cache by inventing them.
                _share(key, page)
            _remember_locally(key, page)
        return response

    return wrapper
