"""Clean-up of the task queue itself."""

from django.core.management import call_command
from django_tasks import task

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
