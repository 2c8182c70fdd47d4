"""Starting a notice campaign at SCALE policyholders: the approver's start, then a worker selecting every
recipient (one INSERT … SELECT) and making the first batch due, timed from the start to the selection's end,
with the worker's memory watched (it is the process that does the work). The start itself is one UPDATE: the
sending campaign is then a due row of the workers' jobs (core/jobs.py), which `run_worker`'s job thread
claims within its polling second (core.jobs.POLL_SECONDS), so that second is part of the time measured."""

import re
import subprocess
import time
from pathlib import Path

from psycopg import sql

from bench import harness

TIMEOUT = 60 if harness.SMOKE else 600
# The worker imports Django and runs its start-up jobs before its idle size is read.
START_UP_SECONDS = 2 if harness.SMOKE else 5


class TaskWorker:
    """One `manage.py run_worker`, its memory read like the app server's."""

    def __init__(self):
        env = {**harness.ENV, "EMAIL_URL": "dummymail://", "CAMPAIGN_EMAILS_PER_MINUTE": "600"}
        self.process = harness.spawn(
            [harness.PYTHON, "manage.py", "run_worker", "--interval", "0.2", "--no-startup-delay", "--no-reload",
             "--verbosity", "0"],
            env=env, stdout=subprocess.DEVNULL,
        )

    def rss_mb(self) -> float:
        try:
            status = Path(f"/proc/{self.process.pid}/status").read_text()
        except FileNotFoundError:
            return 0.0
        return int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024

    def stop(self):
        harness.stop(self.process, timeout=60)


def _state(conn, campaign_id: int) -> tuple:
    """(started_at, recipients_selected_at, recipients recorded, status, last error) of the campaign."""
    c = harness.schema()["campaign"]
    column = {name: sql.Identifier(c[name]) for name in c if name not in ("table", "sending")}
    query = sql.SQL("SELECT {}, {}, {} + {} + {}, {}, {} FROM {} WHERE {} = %s").format(
        column["started_at"], column["recipients_selected_at"], column["email_recipients"],
        column["post_recipients"], column["unreachable"], column["status"], column["last_error"],
        sql.Identifier(c["table"]), column["id"],
    )
    return conn.execute(query, [campaign_id]).fetchone()


def _count(conn, table: dict, **where) -> int:
    query = sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table["table"]))
    if where:
        query += sql.SQL(" WHERE ") + sql.SQL(" AND ").join(
            sql.SQL("{} = %s").format(sql.Identifier(table[field])) for field in where
        )
    return conn.execute(query, list(where.values())).fetchone()[0]


def measure() -> dict:
    schema = harness.schema()
    with harness.connect() as conn:
        policyholders = _count(conn, schema["policyholder"])
    context = harness.fixture("prepared_campaign()")
    worker = TaskWorker()
    try:
        time.sleep(START_UP_SECONDS)
        if worker.process.poll() is not None:
            raise RuntimeError(f"run_worker exited at its start (status {worker.process.returncode})")
        idle = worker.rss_mb()
        with harness.PeakMemory(worker) as memory, harness.connect() as conn:
            # What earlier stages left (login requests, emails) the worker runs too, in the same passes.
            backlog = harness.waiting(conn)
            began = time.monotonic()
            harness.fixture(f"campaign_start({context['campaign']}, {context['approver']})")
            while time.monotonic() - began < TIMEOUT:
                started_at, selected_at, total, status, error = _state(conn, context["campaign"])
                if selected_at is not None or status != schema["campaign"]["sending"] or error:
                    break
                time.sleep(0.2)
            wall = time.monotonic() - began
    finally:
        worker.stop()
    with harness.connect() as conn:
        recipients = _count(conn, schema["recipient"], campaign=context["campaign"])
    seconds = (selected_at - started_at).total_seconds() if selected_at else None
    result = {
        "name": "campaign start", "policyholders": policyholders, "recipients": recipients, "recorded_total": total,
        "seconds": seconds, "wall_seconds": wall, "idle_mb": idle, "peak_mb": memory.peak,
        "above_idle_mb": memory.peak - idle, "status": status, "error": error, "backlog": backlog,
    }
    shown = f"{seconds:.1f} s" if seconds is not None else f"not finished (status {status}, error {error!r})"
    print(f"  {'campaign start':<28} {recipients:>9} recipients queued in {shown} (wall {wall:.1f} s)  "
          f"worker memory +{result['above_idle_mb']:.0f} MB above idle ({backlog} emails and tasks of earlier "
          "stages were waiting for it too)", flush=True)
    return result


def problems(result: dict) -> list[str]:
    """What says the stage did not run as it should (not a target missed)."""
    if result["seconds"] is None:
        return [f"campaign start: recipients not selected within {TIMEOUT} s "
                f"(status {result['status']}, last error {result['error']!r})"]
    if result["recipients"] != result["policyholders"] or result["recorded_total"] != result["recipients"]:
        return [f"campaign start: {result['recipients']} recipients ({result['recorded_total']} recorded) "
                f"for {result['policyholders']} policyholders"]
    return []


def verdict(result: dict) -> tuple[str, bool, str]:
    met = (
        result["seconds"] is not None and result["seconds"] < 120 and result["above_idle_mb"] < 150
        and result["recipients"] == result["policyholders"]
    )
    return (f"campaign start at {result['policyholders']:,}: every policyholder queued < 120 s, < 150 MB",
            met, f"{result['recipients']:,} recipients, {result['seconds'] or 0:.1f} s "
            f"(wall {result['wall_seconds']:.1f} s), +{result['above_idle_mb']:.0f} MB")
