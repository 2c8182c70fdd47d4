"""The desk's periodic job, listed in settings.PERIODIC_TASKS."""

from django_tasks import task

from .documents import documents_delete_expired, documents_sweep_orphans


@task(priority=-10)
def request_documents_delete() -> int:
    """Delete agents' documents REQUEST_DOCUMENT_RETENTION_DAYS after their request closed, and files an hour
    old that no request names (one whose transaction failed)."""
    return documents_delete_expired() + documents_sweep_orphans()
