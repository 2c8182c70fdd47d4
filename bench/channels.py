"""Changes in and webhooks out, on the production stack: inbound changes through `POST /api/v1/preference-changes`
in batches of 100 (changes recorded per second, by a few clients at once), then, with a webhook subscriber at a
local receiver and two task workers (`run_worker`), the time from each committed change to its arrival at the
receiver while 1,000 changes are delivered (p50, p99). A change counts as committed when the API's answer that
carried it arrives (the transaction commits before the answer is sent), so the latency is slightly overstated.

Targets: ≥ 200 changes/s in; p99 < 5 s out."""

import datetime
import json
import subprocess
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from bench import harness

BATCH = 100
CLIENTS = 4
INBOUND_BATCHES = 8 if harness.SMOKE else 60
DELIVERED = 100 if harness.SMOKE else 1000
DELIVERY_TIMEOUT = 120 if harness.SMOKE else 600


def _fixture(code: str) -> dict:
    output = harness.manage("shell", "-v0", "-c", "import bench.channels_fixtures as f; " + code, capture=True)
    return json.loads([line for line in output.splitlines() if line.startswith("{")][-1])


def _post(context: dict, body: dict) -> dict:
    request = urllib.request.Request(
        harness.BASE + "/api/v1/preference-changes", data=json.dumps(body).encode(), method="POST",
        headers={"Authorization": f"Bearer {context['token']}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


def _batch(context: dict, run: str, number: int, customers: int) -> dict:
    """100 changes of 100 different customers, each said a minute ago through the email platform."""
    said = (datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=1)).isoformat()
    changes = []
    for n in range(BATCH):
        index = (number * BATCH + n) % customers + 1
        changes.append({
            "key": f"{run}-{number}-{n}", "customer": f"B{index:09d}", "company": context["company"],
            "channel": "email", "allowed": (number + n) % 2 == 0, "occurred_at": said,
            "capture": "email_platform", "operator": "benchmark",
        })
    return {"changes": changes}


def inbound(context: dict, customers: int) -> dict:
    """Changes recorded per second through the API, CLIENTS batches of 100 at a time."""
    errors = 0

    def send(number):
        nonlocal errors
        try:
            results = _post(context, _batch(context, "in", number, customers))["results"]
            return len(results)
        except OSError:
            errors += 1
            return 0

    began = time.monotonic()
    with ThreadPoolExecutor(CLIENTS) as pool:
        recorded = sum(pool.map(send, range(INBOUND_BATCHES)))
    seconds = time.monotonic() - began
    return {"changes": recorded, "seconds": round(seconds, 2), "per_second": round(recorded / seconds, 1),
            "batch": BATCH, "clients": CLIENTS, "errors": errors}


class Receiver:
    """A local webhook receiver: the arrival time of each event id, first arrival only."""

    def __init__(self):
        self.arrivals: dict[str, tuple[float, str]] = {}
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                now = time.monotonic()
                receipt = json.loads(body)["data"].get("receipt")
                with receiver.lock:
                    receiver.arrivals.setdefault(self.headers["webhook-id"], (now, receipt))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}/hooks"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()


def _workers(count: int) -> list:
    env = {**harness.ENV, "EMAIL_URL": "dummymail://"}
    return [
        harness.spawn([harness.PYTHON, "manage.py", "run_worker", "--interval", "0.2", "--no-startup-delay",
                       "--no-reload", "--verbosity", "0"], env=env, stdout=subprocess.DEVNULL)
        for _ in range(count)
    ]


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def delivery(context: dict, customers: int) -> dict:
    """With a subscriber at a local receiver and two workers: committed change → arrival, for DELIVERED changes."""
    workers = _workers(2)
    try:
        with Receiver() as receiver:
            _fixture(f"f.subscriber({receiver.url!r})")
            time.sleep(2 if harness.SMOKE else 5)  # the workers' start-up
            committed: dict[str, float] = {}
            began = time.monotonic()
            for number in range(DELIVERED // BATCH):
                results = _post(context, _batch(context, "out", number, customers))["results"]
                answered = time.monotonic()
                for result in results:
                    committed[result["receipt"]] = answered
                time.sleep(0.1)  # a steady stream, as an email platform sends its unsubscribes
            while time.monotonic() - began < DELIVERY_TIMEOUT:
                with receiver.lock:
                    arrived = {receipt: at for at, receipt in receiver.arrivals.values() if receipt in committed}
                if len(arrived) >= len(committed):
                    break
                time.sleep(0.1)
            latencies = [arrived[receipt] - committed[receipt] for receipt in arrived]
    finally:
        for worker in workers:
            harness.stop(worker, timeout=60)
        _fixture("f.subscriber(None)")
    return {
        "changes": len(committed), "delivered": len(latencies), "workers": 2,
        "p50_s": round(_percentile(latencies, 0.5), 3) if latencies else None,
        "p99_s": round(_percentile(latencies, 0.99), 3) if latencies else None,
        "max_s": round(max(latencies), 3) if latencies else None,
    }


def measure(context: dict, customers: int) -> dict:
    print("Inbound changes through the API and webhooks out…", flush=True)
    return {"inbound": inbound(context, customers), "webhooks": delivery(context, customers)}


def verdicts(figures: dict) -> list[tuple[str, bool, str]]:
    inbound_figures, out = figures["inbound"], figures["webhooks"]
    return [
        ("inbound changes through the API in batches of 100: ≥ 200 per second",
         inbound_figures["per_second"] >= 200, f"{inbound_figures['per_second']:.0f} per second"),
        (f"webhooks: committed change to delivery, p99 < 5 s while {out['changes']:,} are delivered",
         out["p99_s"] is not None and out["p99_s"] < 5, f"p50 {out['p50_s']} s, p99 {out['p99_s']} s"),
    ]


def problems(figures: dict) -> list[str]:
    found = []
    if figures["inbound"]["errors"] or not figures["inbound"]["changes"]:
        found.append(f"inbound changes: {figures['inbound']['errors']} batches failed")
    out = figures["webhooks"]
    if out["delivered"] != out["changes"]:
        found.append(f"webhooks: {out['delivered']} of {out['changes']} changes delivered")
    return found
