"""`manage.py run_worker`: django-tasks-db's db_worker, plus the periodic jobs (core.periodic).

Takes db_worker's options (--interval, --batch, --max-tasks, --worker-id, …). SIGTERM or SIGINT stops
it gracefully: a task being run is finished first, a second signal interrupts it.
"""

import os

from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from core import periodic


class Command(DbWorkerCommand):
    help = "Run queued tasks as they come, and the periodic jobs of settings.PERIODIC_TASKS."

    def handle(self, *args, **options):
        # With --reload the parent only watches files; its child runs the tasks and the schedule.
        if not options["reload"] or os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
            periodic.enqueue_all()
            if not options["batch"]:
                periodic.Scheduler().start()
        super().handle(*args, **options)
