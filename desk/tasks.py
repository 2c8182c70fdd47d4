"""The desk's periodic job, listed in settings.PERIODIC_TASKS."""

from django_tasks import task

from .documents import documents_delete_expired


@task(priority=-10)
def request_documents_delete() -> int:
    """Delete agents' documents REQUEST_DOCUMENT_RETENTION_DAYS after their request closed."""
    return documents_delete_expired()
