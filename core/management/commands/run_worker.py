"""`manage.py run_worker`: django-tasks-db's db_worker, plus the rows that are jobs (core.jobs) and the
periodic jobs (core.periodic).

Takes db_worker's options (--interval, --batch, --max-tasks, --worker-id, …). SIGTERM or SIGINT stops
it gracefully: a task being run is finished first, a second signal interrupts it; a row being run when the
process ends is rolled back and stays due, for the next pass of any worker. With --batch it runs every due
task and every due row, then exits.
"""

import os

from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from core import jobs, periodic

# How long a stopping worker waits for the row it is running (an email's SMTP exchange, a package's build).
STOP_WAIT = 60


class Command(DbWorkerCommand):
    help = "Run queued tasks as they come, the rows that are due, and the periodic jobs of settings.PERIODIC_TASKS."

    def handle(self, *args, **options):
        # With --reload the parent only watches files; its child runs the tasks, the rows and the schedule.
        working = not options["reload"] or os.environ.get(DJANGO_AUTORELOAD_ENV) == "true"
        runner = jobs.Runner()
        if working:
            periodic.enqueue_all()
            if not options["batch"]:
                periodic.Scheduler().start()
                runner.start()
        try:
            super().handle(*args, **options)
        finally:
            # Stopped by a signal or at the end of a batch: the row being run is finished first.
            runner.stop()
            if runner.is_alive():
                runner.join(timeout=STOP_WAIT)
        if working and options["batch"]:
            while jobs.jobs_run_due():
                pass
