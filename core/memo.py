"""Per-process memos for small, hot, rarely changing reads (channels, the notice version in force,
API clients), each kept a short time so that a change made on another server reaches this one
within seconds. A change made in this process clears them at once."""

import functools
import time
from collections import OrderedDict

from django.db import transaction

_memos = []


def process_memo(seconds: float, *, maxsize: int = 256, keep_none: bool = True):
    """Memoize a function of hashable arguments in this process for `seconds`.

    At most `maxsize` results are kept (the least recently used go first); with keep_none=False a
    None result is not kept, so arguments nobody issued (a made-up API token) cost no memory.
    """

    def decorate(function):
        values: OrderedDict = OrderedDict()

        @functools.wraps(function)
        def wrapper(*args):
            now = time.monotonic()
            hit = values.get(args)
            if hit is not None and now - hit[0] < seconds:
                values.move_to_end(args)
                return hit[1]
            value = function(*args)
            if value is not None or keep_none:
                values[args] = (now, value)
                values.move_to_end(args)
                while len(values) > maxsize:
                    values.popitem(last=False)
            return value

        wrapper.clear = values.clear
        _memos.append(values)
        return wrapper

    return decorate


def clear_process_memos() -> None:
    """Forget every memo of this process."""
    for values in _memos:
        values.clear()


def memoized_data_changed(**kwargs) -> None:
    """Signal receiver for a save of memoized data: forget the memos now, and again when the
    transaction commits, so that nothing read before the commit outlives it."""
    clear_process_memos()
    transaction.on_commit(clear_process_memos)
