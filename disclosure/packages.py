"""Building packages in the workers: the task, its enqueueing, retries and recovery.

A package is enqueued in the transaction that creates it (disclosure_package_request). The worker holds
its row locked while it builds (a second worker skips it), and in the same transaction marks it ready
and queues the email that tells the customer. A failed build is tried again later (each wait twice the
last); after MAX_ATTEMPTS it waits in the admin, where staff can build it again. A worker that dies
mid-build leaves the row unlocked and still queued: disclosure_packages_recover enqueues it again.
"""

import datetime
import logging

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django_tasks import TaskResultStatus, task
from django_tasks.exceptions import TaskResultDoesNotExist

from consents.models import OutgoingEmail
from consents.outbox import outgoing_email_enqueue, outgoing_email_queue

from .build import package_write
from .models import DisclosurePackage

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
FIRST_RETRY = datetime.timedelta(minutes=1)
# Below the emails: a customer waiting for a login link comes first.
PRIORITY = -5


def package_enqueue(package: DisclosurePackage, *, run_after: datetime.datetime | None = None) -> None:
    result = disclosure_package_build.using(priority=PRIORITY, run_after=run_after).enqueue(package.pk)
    package.task_id = str(result.id)
    DisclosurePackage.objects.filter(pk=package.pk).update(task_id=package.task_id)


@task()
def disclosure_package_build(package_id: int) -> str:
    """Build one queued package, once. Returns what became of it (for the task's record)."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            # Every section read from one snapshot (REPEATABLE READ, set by the transaction's first
            # statement): a change saved mid-build is in all of the package's files or in none.
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        package = (
            DisclosurePackage.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("policyholder")
            .filter(pk=package_id, status=DisclosurePackage.Status.QUEUED)
            .first()
        )
        if package is None:
            return "not waiting"  # built, given up, or being built by another worker right now
        now = timezone.now()
        package.attempts += 1
        try:
            with transaction.atomic():
                built = package_write(package, now=now)
        except Exception as error:
            _failed(package, error, now)
            return package.status
        package.status = DisclosurePackage.Status.READY
        package.built_at = now
        package.expires_at = now + datetime.timedelta(days=settings.DISCLOSURE_DOWNLOAD_DAYS)
        package.file_name, package.size, package.sha256 = built.file_name, built.size, built.sha256
        package.last_error = ""
        if package.policyholder.email:
            # Linked to the package before it is enqueued: the message is built from the package.
            package.email = outgoing_email_queue(
                kind=OutgoingEmail.Kind.DISCLOSURE_READY, policyholder=package.policyholder, enqueue=False
            )
        package.save()
        if package.email is not None:
            outgoing_email_enqueue(package.email)
    rows = sum(built.row_counts.values())
    logger.info("Built disclosure package %s: %s bytes, %s rows", package.pk, built.size, rows)
    return package.status


def _failed(package: DisclosurePackage, error: Exception, now: datetime.datetime) -> None:
    package.last_error = type(error).__name__[:200]
    if package.attempts >= MAX_ATTEMPTS:
        package.status = DisclosurePackage.Status.FAILED
        logger.error("Gave up disclosure package %s after %s attempts: %s", package.pk, package.attempts,
                     package.last_error)
    else:
        run_after = now + FIRST_RETRY * 2 ** (package.attempts - 1)
        package_enqueue(package, run_after=run_after)
        logger.warning("Could not build disclosure package %s, attempt %s: %s; next attempt at %s",
                       package.pk, package.attempts, package.last_error, run_after.isoformat())
    package.save(update_fields=["attempts", "status", "last_error"])


@transaction.atomic
def disclosure_package_retry(*, package: DisclosurePackage) -> bool:
    """Staff build a given-up package again (with a fresh set of attempts); False if it was not given up."""
    package = (
        DisclosurePackage.objects.select_for_update()
        .filter(pk=package.pk, status=DisclosurePackage.Status.FAILED)
        .first()
    )
    if package is None:
        return False
    package.status, package.attempts = DisclosurePackage.Status.QUEUED, 0
    package.save(update_fields=["status", "attempts"])
    package_enqueue(package)
    return True


def _task_waiting(task_id: str) -> bool:
    if not task_id:
        return False
    try:
        return disclosure_package_build.get_result(task_id).status == TaskResultStatus.READY
    except TaskResultDoesNotExist:
        return False


def disclosure_packages_recover(*, limit: int = 100) -> int:
    """Enqueue again every queued package not being built and with no task waiting to build it: its
    worker died mid-build (its row lock went with its connection). Returns how many."""
    recovered = 0
    with transaction.atomic():
        waiting = (
            DisclosurePackage.objects.select_for_update(skip_locked=True)
            .filter(status=DisclosurePackage.Status.QUEUED)
            .order_by("requested_at")[:limit]
        )
        for package in waiting:
            if not _task_waiting(package.task_id):
                package_enqueue(package)
                recovered += 1
    if recovered:
        logger.warning("Enqueued %s disclosure packages again whose worker stopped before building them", recovered)
    return recovered
