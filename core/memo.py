"""Per-process memos for small, hot, rarely changing reads (channels, the notice version in force,
API clients), each kept a short time so that a change made on another server reaches this one
within seconds. A change made in this process clears them at once."""

import functools
import threading
import time

import cachetools
from django.db import transaction

_memos: list[tuple[cachetools.TTLCache, threading.Lock]] = []
_MISSING = object()


def process_memo(seconds: float, *, maxsize: int = 256, keep_none: bool = True):
    """Memoize a function of hashable arguments in this process for `seconds`.

    At most `maxsize` results are kept (the least recently used go first); with keep_none=False a
    None result is not kept, so arguments nobody issued (a made-up API token) cost no memory.
    cachetools' caches are not thread-safe, and gunicorn may run threads: each memo has a lock, held
    while the memo is read or written, never while the function runs.
    """

    def decorate(function):
        # The clock is looked up on each call, so that a test can move it.
        values = cachetools.TTLCache(maxsize=maxsize, ttl=seconds, timer=lambda: time.monotonic())
        lock = threading.Lock()

        @functools.wraps(function)
        def wrapper(*args):
            with lock:
                value = values.get(args, _MISSING)
            if value is not _MISSING:
                return value
            value = function(*args)
            if value is not None or keep_none:
                with lock:
                    values[args] = value
            return value

        def clear() -> None:
            with lock:
                values.clear()

        wrapper.clear = clear
        _memos.append((values, lock))
        return wrapper

    return decorate


def clear_process_memos() -> None:
    """Forget every memo of this process."""
    for values, lock in _memos:
        with lock:
            values.clear()


def memoized_data_changed(**kwargs) -> None:
    """Signal receiver for a save of memoized data: forget the memos now, and again when the
    transaction commits, so that nothing read before the commit outlives it."""
    clear_process_memos()
    transaction.on_commit(clear_process_memos)
