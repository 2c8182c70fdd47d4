"""Clean-up of the task queue itself."""

from django.core.management import call_command
from django_tasks import task, task_backends
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

# A finished task's record holds its arguments (a login request's address among them): kept a day,
# long enough to look into a problem; a failed one two weeks.
SUCCESSFUL_KEPT_DAYS = 1
FAILED_KEPT_DAYS = 14


@task(priority=-10)
def task_results_prune() -> None:
    call_command(
        "prune_db_task_results", "--queue-name=*", f"--min-age-days={SUCCESSFUL_KEPT_DAYS}",
        f"--failed-min-age-days={FAILED_KEPT_DAYS}", verbosity=0,
    )


def task_arguments_forget(context) -> None:
    """Blank the arguments in the record of the running task (a task called with `takes_context=True`), so
    that what it was given is not kept with the record once it has them."""
    if not isinstance(task_backends[context.task_result.backend], DatabaseBackend):
        return  # a backend that keeps no record (the tests' immediate one)
    DBTaskResult.objects.filter(pk=context.task_result.id).update(args_kwargs={"args": [], "kwargs": {}})
