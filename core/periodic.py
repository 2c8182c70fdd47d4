"""Periodic jobs run by the workers: settings.PERIODIC_TASKS names each job's task and its period.

Every worker enqueues every job once when it starts (each is idempotent and cheap: a worker that
restarts after a crash recovers what it left behind at once). After that, a thread in each worker
wakes every TICK seconds and enqueues a job whose period has turned, if no other worker did first:
the first to add the period's key to the shared cache (Redis in production) wins, so with any
number of workers on any number of machines a job runs once a period.
"""

import logging
import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

TICK = 15


def _enqueue(name: str, path: str) -> None:
    try:
        import_string(path).enqueue()
    except Exception as error:  # a lost database: the next tick tries again
        logger.error("Could not enqueue periodic task %s: %s", name, type(error).__name__)


def _claim(name: str, every: int, now: float) -> bool:
    return cache.add(f"periodic:{name}:{int(now // every)}", 1, timeout=every + 2 * TICK)


def enqueue_all() -> None:
    """Each job once, now (its current period counts as done, if no other worker had it yet)."""
    now = time.time()
    for name, (path, every) in settings.PERIODIC_TASKS.items():
        try:
            _claim(name, every, now)
        except Exception as error:
            logger.error("Could not claim periodic task %s: %s", name, type(error).__name__)
        _enqueue(name, path)


def enqueue_due(now: float | None = None) -> list[str]:
    """The jobs whose current period no worker has claimed yet, claimed and enqueued."""
    now = time.time() if now is None else now
    enqueued = []
    for name, (path, every) in settings.PERIODIC_TASKS.items():
        try:
            claimed = _claim(name, every, now)
        except Exception as error:  # a lost cache: skip this period rather than run it everywhere
            logger.error("Could not claim periodic task %s: %s", name, type(error).__name__)
            continue
        if claimed:
            _enqueue(name, path)
            enqueued.append(name)
    return enqueued


class Scheduler(threading.Thread):
    def __init__(self):
        super().__init__(name="periodic-tasks", daemon=True)
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.wait(TICK):
            try:
                enqueue_due()
            finally:
                # This thread's own connection: not left open between ticks.
                connections.close_all()

    def stop(self) -> None:
        self.stopping.set()
