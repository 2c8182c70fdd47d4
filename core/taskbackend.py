"""django-tasks-db's DatabaseBackend, writing the task's row with one prebuilt INSERT (core/rows.py).

Every customer save enqueues its receipt email, and the library's `objects.create()` compiled that
INSERT anew each time: half a millisecond of a save's CPU. The row written is the library's own, field
for field (tests/portal/test_task_backend.py compares them); the enqueue, the signal and the result are
the library's.
"""

from django_tasks_db.backend import DatabaseBackend as LibraryDatabaseBackend
from django_tasks_db.compat import normalize_json

from .rows import insert


class DatabaseBackend(LibraryDatabaseBackend):
    def _task_to_db_task(self, task, args, kwargs):
        from django_tasks_db.models import DBTaskResult  # as the library: the backend loads before the apps

        return insert(DBTaskResult(
            id=self._get_id(),
            args_kwargs=normalize_json({"args": args, "kwargs": kwargs}),
            priority=task.priority,
            task_path=task.module_path,
            queue_name=task.queue_name,
            run_after=task.run_after,
            backend_name=self.alias,
        ))
