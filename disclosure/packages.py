"""Building packages in the workers. A queued package is itself the job (core/jobs.py): a worker claims it
with its row locked (a second worker skips it), builds it from one snapshot of the database, and in the same
transaction marks it ready and queues the email that tells the customer. A failed build is tried again by
the jobs' one policy; one given up waits in the admin. A worker that dies mid-build leaves the row unlocked
and still queued, and the next pass builds it."""

import datetime
import logging

from django.conf import settings
from django.utils import timezone

from core.jobs import job_register
from outbox.sending import outgoing_email_queue

from .build import package_write
from .emails import DISCLOSURE_READY
from .models import DisclosurePackage

logger = logging.getLogger(__name__)


def package_build(package: DisclosurePackage) -> None:
    # The package holds what was stored when the build began (its snapshot); it is ready once written.
    built = package_write(package, now=timezone.now())
    package.status = DisclosurePackage.Status.READY
    package.built_at = timezone.now()
    package.expires_at = package.built_at + datetime.timedelta(days=settings.DISCLOSURE_DOWNLOAD_DAYS)
    package.file_name, package.size, package.sha256 = built.file_name, built.size, built.sha256
    package.last_error, package.next_attempt_at = "", None
    if package.policyholder.email:
        package.email = outgoing_email_queue(kind=DISCLOSURE_READY, policyholder=package.policyholder)
    package.save()
    rows = sum(built.row_counts.values())
    logger.info("Built disclosure package %s: %s bytes, %s rows", package.pk, built.size, rows)


# Every section read from one snapshot: a change saved mid-build is in all of the package's files or none.
PACKAGES = job_register(
    "disclosure package", DisclosurePackage, package_build, waiting=DisclosurePackage.Status.QUEUED,
    given_up=DisclosurePackage.Status.FAILED, select_related=("policyholder",), snapshot=True,
)
