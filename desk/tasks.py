"""The desk's periodic jobs, listed in settings.PERIODIC_TASKS."""

from django_tasks import task

from .company_records import company_files_delete_expired
from .documents import documents_delete_expired, documents_sweep_orphans
from .reminders import request_reminders_queue


@task(priority=-10)
def request_documents_delete() -> int:
    """Delete agents' documents REQUEST_DOCUMENT_RETENTION_DAYS after their request closed, and files an hour
    old that no request names (one whose transaction failed)."""
    return documents_delete_expired() + documents_sweep_orphans()


@task(priority=-5)
def request_reminders_send() -> int:
    """Email each assignee REQUEST_REMINDER_DAYS before the due date of their open request, once."""
    return request_reminders_queue()


@task(priority=-10)
def company_record_files_delete() -> int:
    """Delete the files of companies' records DISCLOSURE_DOWNLOAD_DAYS after their request closed."""
    return company_files_delete_expired()
