"""`manage.py run_worker`: django-tasks-db's db_worker, plus the rows that are jobs (core.jobs) and the
periodic jobs (core.periodic).

Takes db_worker's options (--interval, --batch, --max-tasks, --worker-id, …). SIGTERM or SIGINT stops
it gracefully: a task being run is finished first, a second signal interrupts it; a row being run when the
process ends is rolled back and stays due, for the next pass of any worker. With --batch it runs every due
task and every due row, then exits.
"""

import logging
import os
import time

from django.db import DatabaseError, connections
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from core import jobs, periodic

logger = logging.getLogger(__name__)

# How long a stopping worker waits for the row it is running (an email's SMTP exchange, a package's build).
STOP_WAIT = 60
# A run of the task loop that lasted this long before the database failed starts the backoff afresh.
STEADY_SECONDS = 60


class Command(DbWorkerCommand):
    help = "Run queued tasks as they come, the rows that are due, and the periodic jobs of settings.PERIODIC_TASKS."

    def handle(self, *args, **options):
        # With --reload the parent only watches files; its child runs the tasks, the rows and the schedule.
        working = not options["reload"] or os.environ.get(DJANGO_AUTORELOAD_ENV) == "true"
        runner = jobs.Runner()
        heartbeat = jobs.Heartbeat(options["worker_id"])
        if working:
            periodic.enqueue_all()
            # A batch says it is alive too: a task of its that runs longer than WORKER_LOST_AFTER is not failed
            # by the other workers while it still runs.
            heartbeat.start()
            if not options["batch"]:
                periodic.Scheduler().start()
                runner.start()
        try:
            if options["batch"]:
                super().handle(*args, **options)
            else:
                self.serve(*args, **options)
        finally:
            # Stopped by a signal or at the end of a batch: the row being run is finished first.
            runner.stop()
            if runner.is_alive():
                runner.join(timeout=STOP_WAIT)
        if working and options["batch"]:
            while jobs.jobs_run_due():
                pass
        heartbeat.stop()

    def serve(self, *args, **options) -> None:
        """The task loop, run again after the database fails (refused connections during a restart, a lost
        connection) rather than exiting: each failure is one log line (JSON in production), the wait doubling
        from 1 s to 30 s. A signal still stops the worker at once between tasks."""
        backoff = jobs.Backoff()
        while True:
            started = time.monotonic()
            try:
                if backoff.failures:
                    jobs.tasks_of_worker_fail(worker_id=options["worker_id"])
                super().handle(*args, **options)
                return
            except DatabaseError as error:
                if time.monotonic() - started > STEADY_SECONDS:
                    backoff.succeeded()
                wait = backoff.failed()
                logger.error("The task loop lost the database: %s; trying again in %.0f s", type(error).__name__, wait)
                connections.close_all()
                time.sleep(wait)
