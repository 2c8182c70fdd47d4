import datetime

from django.db import transaction
from django.utils import timezone

from .content import build_content
from .models import NoticeVersion


@transaction.atomic
def notice_version_freeze(*, version: NoticeVersion, user=None, at: datetime.datetime | None = None) -> NoticeVersion:
    """Mark a version published and store what it shows, so later edits elsewhere never change it.

    The legal checks that must pass before this is called live in the publishing workflow; this is
    the last step that every publication, including the demo-content loader's, goes through.
    """
    version.snapshot = build_content(version)
    version.status = NoticeVersion.Status.PUBLISHED
    version.published_at = at or timezone.now()
    version.published_by = user
    version.save(update_fields=["snapshot", "status", "published_at", "published_by", "updated_at"])
    return version
