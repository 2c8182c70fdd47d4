"""The task workers in the benchmark: emails delivered per second to a local SMTP sink, and the login
page's answer time for registered and unknown addresses, side by side."""

import http.client
import socket
import statistics
import subprocess
import threading
import time

from bench import harness

WORKERS = 2
LOGIN_REQUESTS = 20 if harness.SMOKE else 200
LOGIN_WARM_UP = 5 if harness.SMOKE else 20
# Enough emails for a rate (the login requests and saves queue more than the smoke run waits for).
EMAILS = 100 if harness.SMOKE else 1000
# How long the workers are given to empty the queue.
DELIVERY_SECONDS = 60


class SmtpSink:
    """aiosmtpd on a free loopback port, counting what it accepts."""

    def __init__(self):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.received = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.received += 1
        return "250 OK"

    def __enter__(self):
        from aiosmtpd.controller import Controller

        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()


class Workers:
    """`manage.py run_worker` processes: each runs django-tasks-db's loop (the login requests' lookups) and a
    thread that sends the due emails, which are rows, not tasks (core/jobs.py)."""

    def __init__(self, count: int, email_url: str):
        env = {**harness.ENV, "EMAIL_URL": email_url}
        self.processes = [
            harness.spawn([harness.PYTHON, "manage.py", "run_worker", "--interval", "0.2", "--no-reload",
                           "--verbosity", "0"], env=env, stdout=subprocess.DEVNULL)
            for _ in range(count)
        ]

    def stop(self):
        for process in self.processes:
            harness.stop(process, timeout=60)


def email_delivery(sink: SmtpSink) -> tuple[dict, Workers]:
    """Start the workers on what the benchmark queued (the saves' receipts, the login requests' links)
    and count what reaches the sink, until the queue is empty, EMAILS arrived or a minute passed."""
    harness.schema()  # read before the clock starts
    with harness.connect() as conn:
        queued = left = harness.waiting(conn)
        began = time.monotonic()
        workers = Workers(WORKERS, f"smtp://127.0.0.1:{sink.port}")
        try:
            while sink.received < EMAILS and time.monotonic() - began < DELIVERY_SECONDS:
                left = harness.waiting(conn)
                if not left:
                    break
                time.sleep(0.2)
        except BaseException:
            workers.stop()
            raise
    seconds = time.monotonic() - began
    received = sink.received
    result = {"name": "emails delivered", "emails": received, "seconds": seconds,
              "per_second": received / seconds if seconds else 0, "workers": WORKERS,
              "waiting_before": queued, "waiting_after": left}
    print(f"  {'emails through the workers':<28} {received:>9} emails in {seconds:.1f} s  "
          f"{result['per_second']:.0f}/s with {WORKERS} workers ({queued} emails and tasks were waiting, "
          f"{left} still were at the end)", flush=True)
    return result, workers


def _login(conn, csrf: str, address: str, ip: str) -> float:
    body = f"csrfmiddlewaretoken={csrf}&email={address}"
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={csrf}",
               "X-Forwarded-For": ip}
    began = time.perf_counter()
    conn.request("POST", "/login/", body=body, headers=headers)
    response = conn.getresponse()
    response.read()
    elapsed = time.perf_counter() - began
    assert response.status == 302, response.status
    return elapsed * 1000


def login_timing(context) -> dict:
    """POST /login/ for registered and unknown addresses, alternately, one at a time (each from its own
    address, so no rate limit applies), with the workers running; the medians side by side."""
    conn = http.client.HTTPConnection("127.0.0.1", harness.PORT, timeout=30)
    known, unknown = [], []

    def registered(n):
        return _login(conn, context["csrf"], f"bench{n}%40example.com", f"10.1.{n // 250}.{n % 250}")

    def stranger(n):
        return _login(conn, context["csrf"], f"nobody{n}%40example.org", f"10.2.{n // 250}.{n % 250}")

    for n in range(LOGIN_REQUESTS + 1, LOGIN_REQUESTS + LOGIN_WARM_UP + 1):  # warm-up, not counted
        registered(n), stranger(n)
    for n in range(1, LOGIN_REQUESTS + 1):
        # ABBA order, so that a drift in the machine's load weighs on both alike.
        if n % 2:
            known.append(registered(n))
            unknown.append(stranger(n))
        else:
            unknown.append(stranger(n))
            known.append(registered(n))
    conn.close()
    registered_ms, unknown_ms = statistics.median(known), statistics.median(unknown)
    difference = abs(registered_ms - unknown_ms) / min(registered_ms, unknown_ms)
    result = {"name": "login answer", "requests_each": LOGIN_REQUESTS, "registered_p50_ms": registered_ms,
              "unknown_p50_ms": unknown_ms, "difference": difference}
    print(f"  {'login, registered address':<28} p50 {registered_ms:7.2f} ms\n"
          f"  {'login, unknown address':<28} p50 {unknown_ms:7.2f} ms  (medians differ by {difference:.1%})",
          flush=True)
    return result


def measure(context) -> dict:
    with SmtpSink() as sink:
        delivery, workers = email_delivery(sink)
        try:
            timing = login_timing(context)
        finally:
            workers.stop()
    return {"email_delivery": delivery, "login_timing": timing}


