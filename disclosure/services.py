"""Disclosure packages: requested (by the requests desk, or staff), downloaded by their customer."""

import datetime
import logging
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import Policyholder

from .build import package_file_delete
from .models import DisclosureDownload, DisclosurePackage

logger = logging.getLogger(__name__)

USER_AGENT_LIMIT = 300
ORPHAN_AGE = datetime.timedelta(hours=1)


@transaction.atomic
def disclosure_package_request(
    policyholder: Policyholder, *, request_number: str = "", requested_by=None
) -> DisclosurePackage:
    """Record a package of everything the portal holds about `policyholder`, to be built by a worker, in the
    caller's transaction. A worker builds it and emails the customer that it
    is ready; `request_number` is the 受付番号 of the request it answers, `requested_by` the staff member."""
    field = DisclosurePackage._meta.get_field("request_number")
    if len(request_number) > field.max_length:
        raise ValidationError(_("The request number is too long."), code="request_number")
    package = DisclosurePackage.objects.create(
        policyholder=policyholder,
        request_number=request_number,
        requested_by=requested_by,
        requested_at=timezone.now(),
        next_attempt_at=timezone.now(),
    )
    return package


def disclosure_download_record(
    *, package: DisclosurePackage, policyholder: Policyholder, ip_address: str | None, user_agent: str
) -> DisclosureDownload:
    return DisclosureDownload.objects.create(
        package=package,
        policyholder=policyholder,
        downloaded_at=timezone.now(),
        ip_address=ip_address or None,
        user_agent=user_agent[:USER_AGENT_LIMIT],
    )


def disclosure_packages_expire(*, now=None) -> int:
    """Delete the files of packages whose download period is over (the rows stay, as the record of the
    disclosure), and files no package names that a build left behind. Returns how many packages expired."""
    now = now or timezone.now()
    expired = 0
    for package in DisclosurePackage.objects.expired_with_file(now=now).iterator():
        with transaction.atomic():
            updated = DisclosurePackage.objects.filter(pk=package.pk, status=DisclosurePackage.Status.READY).update(
                status=DisclosurePackage.Status.EXPIRED, file_deleted_at=now
            )
            if updated:
                package_file_delete(package.file_name)
                expired += 1
    _orphans_delete(now)
    if expired:
        logger.info("Deleted the files of %s disclosure packages whose download period is over", expired)
    return expired


def _orphans_delete(now) -> None:
    # A build whose transaction failed after its file was written, or a worker killed mid-write, leaves a
    # file no ready package names. One an hour old is no build in progress.
    directory = Path(settings.DISCLOSURE_DIR)
    if not directory.is_dir():
        return
    cutoff = now.timestamp() - ORPHAN_AGE.total_seconds()
    kept = set(
        DisclosurePackage.objects.filter(status=DisclosurePackage.Status.READY).values_list("file_name", flat=True)
    )
    for path in directory.iterdir():
        if path.is_file() and path.name not in kept and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            logger.warning("Deleted a disclosure file no package names: %s", path.name)
