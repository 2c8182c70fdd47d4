"""A 開示 answered for each joint-user company's own records (contracts, claims), which the portal itself does
not hold: one task per company, opened when the request is made, answered by staff with the files of that
company's records or with 「保有していません」. The closing answer waits for every company, and the customer's
page lists each with what it said; the files are downloaded there (electronic delivery) until
DISCLOSURE_DOWNLOAD_DAYS after the request closed, then deleted like agents' documents."""

import datetime
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from notices.selectors import joint_users_in_force

from .documents import document_discard, document_store, documents_removed_unless_committed, stored_files_delete
from .guards import ANSWER_PERMISSION, lock_open, require
from .models import CompanyRecordFile, CompanyTask, CustomerRequest

logger = logging.getLogger(__name__)

MAX_FILES = 10


def company_tasks_open(request: CustomerRequest) -> list[CompanyTask]:
    """The tasks of a new 開示: the company the customer named, or every joint user in force."""
    if request.kind != CustomerRequest.Kind.DISCLOSURE:
        return []
    companies = [request.company] if request.company_id else list(joint_users_in_force().order_by(
        "display_order", "id"))
    return CompanyTask.objects.bulk_create([CompanyTask(request=request, company=company) for company in companies])


@documents_removed_unless_committed
@transaction.atomic
def company_task_answer(
    *, task: CompanyTask, actor, not_held: bool = False, files: list[tuple[bytes, str]] | None = None
) -> CompanyTask:
    """Answer one company's part: its records as files (each checked by desk.documents.check_upload), or that
    it holds none. Answered once; the files are written before the transaction commits and removed again if
    it fails."""
    require(actor, ANSWER_PERMISSION)
    files = files or []
    if not_held == bool(files):
        raise ValidationError(
            _("Attach the company's records, or answer that it holds none: one or the other."), code="answer"
        )
    if len(files) > MAX_FILES:
        raise ValidationError(_("Attach at most %(count)s files at a time.") % {"count": MAX_FILES}, code="files")
    lock_open(task.request)
    task = CompanyTask.objects.select_for_update().get(pk=task.pk)
    if task.status != CompanyTask.Status.OPEN:
        raise ValidationError(_("This company's part is already answered."), code="answered")
    now = timezone.now()
    stored: list[str] = []
    try:
        for data, content_type in files:
            name, digest = document_store(data, content_type)
            stored.append(name)
            CompanyRecordFile.objects.create(task=task, content_type=content_type, size=len(data), sha256=digest,
                                             stored_name=name, uploaded_by=actor, uploaded_at=now)
        task.status = CompanyTask.Status.NOT_HELD if not_held else CompanyTask.Status.ATTACHED
        task.answered_by, task.answered_at = actor, now
        task.save(update_fields=["status", "answered_by", "answered_at"])
    except BaseException:
        for name in stored:
            document_discard(name)
        raise
    return task


def require_all_answered(request: CustomerRequest) -> None:
    waiting = [task.company.legal_name for task in request.company_tasks.select_related("company")
               if task.status == CompanyTask.Status.OPEN]
    if waiting:
        raise ValidationError(
            _("Answer every company's part before this answer: still open for %(companies)s.")
            % {"companies": "、".join(waiting)},
            code="company_tasks",
        )


def downloadable(request: CustomerRequest, *, now: datetime.datetime | None = None) -> bool:
    """The customer may download the files once the request closed with its answer, for
    DISCLOSURE_DOWNLOAD_DAYS, and only when they chose electronic delivery."""
    if request.is_open or request.delivery != CustomerRequest.Delivery.ELECTRONIC:
        return False
    return (now or timezone.now()) < request.closed_at + datetime.timedelta(days=settings.DISCLOSURE_DOWNLOAD_DAYS)


def company_files_delete_expired(*, now: datetime.datetime | None = None) -> int:
    """Delete the files of requests closed more than DISCLOSURE_DOWNLOAD_DAYS ago; their rows stay, marked."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.DISCLOSURE_DOWNLOAD_DAYS)
    deleted = stored_files_delete(CompanyRecordFile.objects.filter(task__request__closed_at__lte=cutoff), now=now)
    if deleted:
        logger.info("Deleted %s files of companies' records past their download period", deleted)
    return deleted
