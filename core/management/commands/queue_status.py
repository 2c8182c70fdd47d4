"""`manage.py queue_status`: the depth and age of the task queue and of the rows that are jobs (core.jobs), for
an operator or a monitor.

Exits with status 1 when the oldest task or row that is due has waited longer than --stuck-after seconds:
no worker is running, or the workers cannot keep up.
"""

import json

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count, Min, Q
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

from core.jobs import JOBS


def queue_status() -> dict:
    now = timezone.now()
    due = Q(status=TaskResultStatus.READY) & (Q(run_after=get_date_max()) | Q(run_after__lte=now))
    figures = DBTaskResult.objects.aggregate(
        due=Count("pk", filter=due),
        oldest_due=Min("enqueued_at", filter=due),
        later=Count("pk", filter=Q(status=TaskResultStatus.READY) & ~due),
        running=Count("pk", filter=Q(status=TaskResultStatus.RUNNING)),
        oldest_running=Min("started_at", filter=Q(status=TaskResultStatus.RUNNING)),
        failed_last_day=Count(
            "pk", filter=Q(status=TaskResultStatus.FAILED, finished_at__gte=now - timezone.timedelta(days=1))
        ),
    )

    def age(moment):
        return round((now - moment).total_seconds(), 1) if moment else None

    return {
        "due": figures["due"],
        "oldest_due_waiting_s": age(figures["oldest_due"]),
        "scheduled_later": figures["later"],
        "running": figures["running"],
        "oldest_running_s": age(figures["oldest_running"]),
        "failed_last_day": figures["failed_last_day"],
        "rows": {name: rows_status(job, now, age) for name, job in JOBS.items()},
    }


def rows_status(job, now, age) -> dict:
    figures = job.model.objects.aggregate(
        due=Count("pk", filter=job.due_when(now)),
        oldest_due=Min("next_attempt_at", filter=job.due_when(now)),
        given_up=Count("pk", filter=Q(**job.given_up)),
    )
    return {"due": figures["due"], "oldest_due_waiting_s": age(figures["oldest_due"]), "given_up": figures["given_up"]}


class Command(BaseCommand):
    help = "Print the task queue's depth and the age of its oldest task; exit 1 if it is stuck."

    def add_arguments(self, parser):
        parser.add_argument("--stuck-after", type=int, default=300,
                            help="seconds the oldest due task may wait before the queue counts as stuck")
        parser.add_argument("--json", action="store_true", dest="as_json", help="one JSON object instead of lines")

    def handle(self, *, stuck_after: int, as_json: bool, **options):
        status = queue_status()
        ages = [status["oldest_due_waiting_s"], *(rows["oldest_due_waiting_s"] for rows in status["rows"].values())]
        waiting = max((age for age in ages if age is not None), default=None)
        status["stuck"] = waiting is not None and waiting > stuck_after
        if as_json:
            self.stdout.write(json.dumps(status))
        else:
            for name, value in status.items():
                if name == "rows":
                    for job, figures in value.items():
                        self.stdout.write(f"{job}: " + ", ".join(f"{key} {figure}" for key, figure in figures.items()))
                else:
                    self.stdout.write(f"{name}: {value}")
        if status["stuck"]:
            raise CommandError(f"The oldest due task or row has waited {waiting:.0f} s (more than {stuck_after} s).")
