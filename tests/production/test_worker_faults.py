"""Real task workers (manage.py run_worker, production settings) on PostgreSQL when things go wrong: a
database that refuses connections for 30 s stops no worker, and what was queued meanwhile is sent after;
a task left running by a worker killed outright is marked failed once its heartbeat is gone."""

import json
import re
import subprocess
import sys
import time
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django_tasks_db.models import DBTaskResult

from outbox.models import OutgoingEmail
from tests.commands import ROOT
from tests.stack import CuttableProxy, WebClient

from .test_task_worker import body, log_in, poll, receipt_numbers, save


@pytest.mark.slow
def test_a_worker_outlives_a_database_that_refuses_connections_for_30_seconds(stack, hanako, life, smtp):
    proxy = CuttableProxy(target_port=int(connection.settings_dict["PORT"] or 5432)).start()
    server = stack.server(production=True, EMAIL_URL=smtp.url, task_worker=False)
    worker = stack.worker(production=True, database_port=proxy.port, EMAIL_URL=smtp.url)
    client = WebClient(https=True)
    log_in(client, server, smtp, "hanako@example.com")

    proxy.cut()  # the worker's only way to PostgreSQL refuses connections, as during a restart
    save(client, server, life, "off")  # the app server still reaches it: a receipt is queued
    time.sleep(30)
    assert worker.process.poll() is None, worker.log()[-2000:]
    assert receipt_numbers(smtp) == {}

    proxy.restore()
    smtp.wait_for(lambda subjects: len(receipt_numbers(smtp)) == 1, timeout=60, what="the receipt")
    assert worker.process.poll() is None
    # Every line, the database's failures included, is one JSON object; no traceback in plain text.
    lines = [json.loads(line) for line in worker.log().splitlines() if line.strip()]
    failures = [line for line in lines if line["level"] == "ERROR" and "OperationalError" in line["message"]]
    assert len(failures) >= 3, [line["message"] for line in lines]
    # Backing off: far fewer than one attempt a second for each of its two threads.
    assert len(failures) < 40
    assert worker.stop() == 0


@pytest.mark.slow
def test_a_task_left_running_by_a_killed_worker_is_marked_failed(stack, hanako, life, smtp):
    env = {"EMAIL_URL": smtp.url, "WORKER_LOST_AFTER": 3}
    server = stack.server(**env, task_worker=False)
    first = stack.worker(**env)
    client = WebClient()

    smtp.hold()
    sent = client.submit(server.url("/login/"), {"email": "hanako@example.com"})
    assert sent.status_code == 200 and sent.url.endswith("/login/sent/")
    assert smtp.stalled.wait(30), "the worker never began to send"
    (task,) = DBTaskResult.objects.filter(status="RUNNING")
    first.kill()  # mid-task: the login task is sending its email
    smtp.release()

    stack.worker(**env)
    poll(lambda: not DBTaskResult.objects.filter(status="RUNNING").exists(), timeout=30)
    task.refresh_from_db()
    assert task.status == "FAILED" and task.exception_class_path == "core.jobs.WorkerLost"
    assert task.args_kwargs == {"args": [], "kwargs": {}}  # the address was forgotten when it started
    status = subprocess.run(
        [sys.executable, "manage.py", "queue_status", "--json"], cwd=ROOT, env=stack.env(**env),
        capture_output=True, text=True, check=True,
    )
    assert json.loads(status.stdout)["running"] == 0
    # The login email itself is a row: the new worker sends it, and its link works.
    smtp.wait_for(lambda subjects: len(subjects) >= 1, what="the login email")
    poll(lambda: OutgoingEmail.objects.filter(status="sent").count() == 1)
    link = re.search(r"https?://\S+/login/link/\S+/", body(smtp.messages[-1])).group(0)
    landing = client.submit(server.url(urlsplit(link).path))
    assert landing.status_code == 200 and landing.url.endswith("/my/")
