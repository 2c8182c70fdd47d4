"""The row is the job: work that must happen because a row exists (an email to send, a package to build, a
campaign's next batch) is found by the row's status and due time, not by a task that names it.

An app registers each kind of row with `job_register` from its AppConfig.ready: which rows wait (a status),
which have been given up, and the function that does the work. The workers (`run_worker`) claim due rows with
SELECT … FOR UPDATE SKIP LOCKED, one transaction each: the row stays locked while its work runs, so no other
worker takes it, and the work's writes commit with the row's new state or not at all. A worker that dies
mid-run leaves the row unlocked and still waiting, and the next pass takes it again: nothing has to guess
which task was lost. A failed run is tried again later by one policy for every kind (`retry_delay`, up to
MAX_ATTEMPTS), then waits as given up until staff retry it from the admin (core/admin.py, JobAdminMixin).

The row is written in the caller's transaction, so the work exists exactly when the change that causes it
does. The task library stays for one-off work a request hands over (the login lookup) and the periodic jobs.
"""

import dataclasses
import datetime
import logging
import threading
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import connection, connections, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 10
LONGEST_WAIT = datetime.timedelta(hours=1)
# How often an idle worker looks for due rows: the delay of an email nobody waits for at the screen.
POLL_SECONDS = 1


class JobFields(models.Model):
    """The fields every job row has; its status field is its own (job_register says which values wait)."""

    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    # When the row is due; null when it waits for nothing.
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=200, blank=True)

    class Meta:
        abstract = True


class GiveUp(Exception):  # noqa: N818 - what a job raises to stop trying at once, not an error of the code
    """Raised by a job's work when trying again cannot help (no address to send to, a withdrawn notice)."""


@dataclasses.dataclass(frozen=True)
class Job:
    name: str
    model: type[models.Model]
    run: Callable[[models.Model], None]
    waiting: dict
    given_up: dict
    order: tuple[str, ...] = ("next_attempt_at",)
    select_related: tuple[str, ...] = ()
    # Read the whole run from one snapshot (PostgreSQL's REPEATABLE READ): a package's files agree.
    snapshot: bool = False

    def due_when(self, now: datetime.datetime) -> models.Q:
        """The condition of a row that waits and is due at `now`."""
        return models.Q(**self.waiting, next_attempt_at__lte=now)

    def due(self, now: datetime.datetime) -> models.QuerySet:
        return self.model.objects.filter(self.due_when(now))


JOBS: dict[str, Job] = {}


def job_register(name: str, model, run, *, waiting: str, given_up: str, **options) -> Job:
    """Let the workers run `run(row)` for every row of `model` whose `status` is `waiting` and that is due; one
    given up has the status `given_up`. `run` saves what it changed on the row (its new status, or a later
    `next_attempt_at` for work that comes back); it raises to fail the attempt, GiveUp to give up at once."""
    job = JOBS[name] = Job(
        name=name, model=model, run=run, waiting={"status": waiting}, given_up={"status": given_up}, **options
    )
    return job


def job_for(model) -> Job:
    for job in JOBS.values():
        if job.model is model:
            return job
    raise LookupError(f"{model.__name__} is not a registered job")


def retry_delay(attempts: int) -> datetime.timedelta:
    """How long to wait after the `attempts`-th failed attempt: JOB_RETRY_SECONDS, then twice as long each
    time, up to an hour."""
    seconds = settings.JOB_RETRY_SECONDS * 2 ** min(attempts - 1, 20)
    return min(datetime.timedelta(seconds=seconds), LONGEST_WAIT)


def job_run_one(job: Job, *, pk=None) -> bool:
    """Claim one due row (the row `pk`, if given) and run it. False when there was none to claim: nothing is
    due, or other workers hold every due row right now."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if job.snapshot and outermost and connection.vendor == "postgresql":
            # Must be the transaction's first statement.
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        now = timezone.now()
        rows = job.due(now).select_for_update(skip_locked=True, of=("self",)).select_related(*job.select_related)
        if pk is not None:
            rows = rows.filter(pk=pk)
        row = rows.order_by(*job.order).first()
        if row is None:
            return False
        row.attempts += 1
        try:
            # A savepoint: a failed attempt leaves none of its writes behind.
            with transaction.atomic():
                job.run(row)
        except GiveUp as reason:
            _give_up(job, row, str(reason))
        except Exception as error:
            _failed(job, row, error, now)
    return True


def _give_up(job: Job, row, reason: str) -> None:
    for field, value in job.given_up.items():
        setattr(row, field, value)
    row.last_error = reason[:200]
    row.save(update_fields=["attempts", "last_error", *job.given_up])


def _failed(job: Job, row, error: Exception, now: datetime.datetime) -> None:
    name = type(error).__name__
    if row.attempts >= MAX_ATTEMPTS:
        logger.error("Gave up %s %s after %s attempts: %s", job.name, row.pk, row.attempts, name)
        _give_up(job, row, name)
        return
    row.last_error = name[:200]
    row.next_attempt_at = now + retry_delay(row.attempts)
    logger.warning("%s %s failed, attempt %s: %s; next attempt at %s",
                   job.name, row.pk, row.attempts, name, row.next_attempt_at.isoformat())
    row.save(update_fields=["attempts", "last_error", "next_attempt_at"])


def jobs_run_due(*, limit: int = 100) -> int:
    """A worker's pass: due rows of every job in turn, one of each at a time (a campaign's batch never waits
    behind a backlog of emails), until none is due or `limit` have run. Returns how many were run."""
    ran = 0
    while ran < limit:
        ran_now = sum(job_run_one(job) for job in JOBS.values())
        if not ran_now:
            break
        ran += ran_now
    return ran


@transaction.atomic
def jobs_retry(job: Job, rows: models.QuerySet) -> int:
    """Staff try given-up rows again, with a fresh set of attempts. Returns how many were given up."""
    given_up = list(rows.select_for_update().filter(**job.given_up).values_list("pk", flat=True))
    return job.model.objects.filter(pk__in=given_up).update(
        **job.waiting, attempts=0, last_error="", next_attempt_at=timezone.now()
    )


class Backoff:
    """How long to wait after each failure in a row to reach the database: 1 s, doubling up to 30 s."""

    FIRST, LONGEST = 1.0, 30.0

    def __init__(self):
        self.failures = 0

    def failed(self) -> float:
        self.failures += 1
        return min(self.FIRST * 2 ** (self.failures - 1), self.LONGEST)

    def succeeded(self) -> None:
        self.failures = 0


class Runner(threading.Thread):
    """A worker's thread that runs due rows until stopped; a lost database is logged and tried again, later
    each time it is still lost."""

    def __init__(self):
        super().__init__(name="row-jobs", daemon=True)
        self.stopping = threading.Event()
        self.backoff = Backoff()

    def run(self) -> None:
        while not self.stopping.is_set():
            try:
                ran = jobs_run_due()
            except Exception as error:
                wait = self.backoff.failed()
                logger.error("Could not run due jobs: %s; trying again in %.0f s", type(error).__name__, wait)
                connections.close_all()
                self.stopping.wait(wait)
                continue
            self.backoff.succeeded()
            if not ran:
                self.stopping.wait(POLL_SECONDS)

    def stop(self) -> None:
        self.stopping.set()


class WorkerLost(Exception):  # noqa: N818 - the failure recorded on a task whose worker is gone
    """The worker running this task stopped (killed, or its machine lost) before the task finished."""


def _alive_key(worker_id: str) -> str:
    return f"worker-alive:{worker_id}"


def worker_alive(worker_id: str) -> None:
    """Say that this worker is alive, for WORKER_LOST_AFTER seconds. The value is when the key appeared:
    how long the cache has held this worker's heartbeat without a gap."""
    timeout = settings.WORKER_LOST_AFTER
    if not cache.add(_alive_key(worker_id), time.time(), timeout=timeout) and not cache.touch(
        _alive_key(worker_id), timeout=timeout
    ):
        cache.add(_alive_key(worker_id), time.time(), timeout=timeout)


def tasks_of_lost_workers_fail(*, worker_id: str) -> int:
    """Mark failed the tasks left RUNNING by workers that have not said they are alive for WORKER_LOST_AFTER
    seconds. Not re-queued: a task may have done part of its work (the login task has already forgotten the
    address it was given), and each periodic job runs again in its next period. Returns how many.

    Judged only by a worker whose own heartbeat the cache has held for that long: after a Redis restart
    every heartbeat is gone, and the live workers need that long to write theirs again."""
    lost_after = settings.WORKER_LOST_AFTER
    since = cache.get(_alive_key(worker_id))
    if since is None or time.time() - since < lost_after:
        return 0
    running = DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING, started_at__lt=timezone.now() - datetime.timedelta(seconds=lost_after)
    )
    failed = 0
    for pk, worker_ids in running.values_list("pk", "worker_ids"):
        owner = worker_ids[-1] if worker_ids else None
        if owner == worker_id or (owner is not None and cache.get(_alive_key(owner)) is not None):
            continue
        failed += _task_fail(pk, f"no heartbeat from its worker for {lost_after} s")
    return failed


def tasks_of_worker_fail(*, worker_id: str) -> int:
    """Mark failed the tasks this worker left RUNNING when its task loop lost the database mid-task (it
    could not record the end): it runs one task at a time, and is between tasks now."""
    running = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).values_list("pk", "worker_ids")
    return sum(
        _task_fail(pk, "its worker lost the database while running it")
        for pk, worker_ids in running if worker_ids and worker_ids[-1] == worker_id
    )


def _task_fail(pk, reason: str) -> int:
    failed = DBTaskResult.objects.filter(pk=pk, status=TaskResultStatus.RUNNING).update(
        status=TaskResultStatus.FAILED, finished_at=timezone.now(), return_value=None,
        exception_class_path=f"{WorkerLost.__module__}.{WorkerLost.__qualname__}",
        traceback=f"{WorkerLost.__qualname__}: {reason}\n",
    )
    if failed:
        logger.warning("Task %s was left running: %s; marked failed", pk, reason)
    return failed


class Heartbeat(threading.Thread):
    """A worker's thread that says the worker is alive and fails the tasks of lost workers, several times
    within WORKER_LOST_AFTER. A lost database or cache is logged and tried again at the next beat."""

    def __init__(self, worker_id: str):
        super().__init__(name="heartbeat", daemon=True)
        self.worker_id = worker_id
        self.stopping = threading.Event()

    def beat(self) -> None:
        try:
            worker_alive(self.worker_id)
            tasks_of_lost_workers_fail(worker_id=self.worker_id)
        except Exception as error:
            logger.error("Heartbeat failed: %s", type(error).__name__)
        finally:
            connections.close_all()

    def run(self) -> None:
        self.beat()
        while not self.stopping.wait(max(settings.WORKER_LOST_AFTER / 6, 0.5)):
            self.beat()

    def stop(self) -> None:
        self.stopping.set()
