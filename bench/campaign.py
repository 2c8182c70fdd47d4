"""Starting a notice campaign at SCALE policyholders: the approver's start, then a task worker selecting every
recipient (one INSERT … SELECT) and queueing the first batch, timed from the start to the first batch in
the queue, with the worker's memory watched (it is the process that does the work; the start itself is
one UPDATE and one task row)."""

import re
import subprocess
import time
from pathlib import Path

import psycopg

from bench import harness

TIMEOUT = 600


class TaskWorker:
    """One `manage.py run_worker`, its memory read like the app server's."""

    def __init__(self):
        env = {**harness.ENV, "EMAIL_URL": "dummymail://", "CAMPAIGN_EMAILS_PER_MINUTE": "600"}
        self.process = subprocess.Popen(
            [harness.PYTHON, "manage.py", "run_worker", "--interval", "0.2", "--no-startup-delay", "--no-reload",
             "--verbosity", "0"],
            cwd=harness.ROOT, env=env, stdout=subprocess.DEVNULL,
        )

    def rss_mb(self) -> float:
        try:
            status = Path(f"/proc/{self.process.pid}/status").read_text()
        except FileNotFoundError:
            return 0.0
        return int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=60)


def _state(campaign_id: int):
    with psycopg.connect(harness.ENV["DATABASE_URL"]) as conn:
        return conn.execute(
            "SELECT started_at, recipients_selected_at, email_recipients + post_recipients + unreachable,"
            " next_batch_at FROM campaigns_campaign WHERE id = %s", [campaign_id],
        ).fetchone()


def _count(sql: str, *params) -> int:
    with psycopg.connect(harness.ENV["DATABASE_URL"]) as conn:
        return conn.execute(sql, params).fetchone()[0]


def measure() -> dict:
    policyholders = _count("SELECT count(*) FROM consents_policyholder")
    context = harness.fixture("prepared_campaign()")
    worker = TaskWorker()
    try:
        time.sleep(5)  # the worker imports Django and runs its start-up jobs first
        idle = worker.rss_mb()
        with harness.PeakMemory(worker) as memory:
            began = time.monotonic()
            harness.fixture(f"campaign_start({context['campaign']}, {context['approver']})")
            while time.monotonic() - began < TIMEOUT:
                started_at, selected_at, total, _next = _state(context["campaign"])
                if selected_at is not None:
                    break
                time.sleep(0.2)
            wall = time.monotonic() - began
    finally:
        worker.stop()
    recipients = _count("SELECT count(*) FROM campaigns_recipient WHERE campaign_id = %s", context["campaign"])
    seconds = (selected_at - started_at).total_seconds() if selected_at else None
    result = {
        "name": "campaign start", "policyholders": policyholders, "recipients": recipients, "recorded_total": total,
        "seconds": seconds, "wall_seconds": wall, "idle_mb": idle, "peak_mb": memory.peak,
        "above_idle_mb": memory.peak - idle,
    }
    shown = f"{seconds:.1f} s" if seconds is not None else "not finished"
    print(f"  {'campaign start':<28} {recipients:>9} recipients queued in {shown} (wall {wall:.1f} s)  "
          f"worker memory +{result['above_idle_mb']:.0f} MB above idle", flush=True)
    return result


def verdict(result: dict) -> tuple[str, bool, str]:
    met = (
        result["seconds"] is not None and result["seconds"] < 120 and result["above_idle_mb"] < 150
        and result["recipients"] == result["policyholders"]
    )
    return (f"campaign start at {result['policyholders']:,}: every policyholder queued < 120 s, < 150 MB",
            met, f"{result['recipients']:,} recipients, {result['seconds'] or 0:.1f} s "
            f"(wall {result['wall_seconds']:.1f} s), +{result['above_idle_mb']:.0f} MB")
