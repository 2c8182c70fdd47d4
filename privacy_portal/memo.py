"""Per-process memos for small, hot, rarely changing reads (channels, the notice version in force,
API clients), each kept a short time so that a change made on another server reaches this one
within seconds. A change made in this process clears them at once."""

import functools
import time

_memos = []


def process_memo(seconds: float):
    """Memoize a function of hashable arguments in this process for `seconds`."""

    def decorate(function):
        values: dict = {}

        @functools.wraps(function)
        def wrapper(*args):
            now = time.monotonic()
            hit = values.get(args)
            if hit is not None and now - hit[0] < seconds:
                return hit[1]
            value = function(*args)
            values[args] = (now, value)
            return value

        wrapper.clear = values.clear
        _memos.append(values)
        return wrapper

    return decorate


def clear_process_memos(**kwargs) -> None:
    """Forget every memo of this process (also usable as a signal receiver)."""
    for values in _memos:
        values.clear()
