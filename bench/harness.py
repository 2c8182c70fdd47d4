"""The benchmark's machinery: the production stack on loopback (gunicorn, PostgreSQL, Redis), its data
and fixtures, and wrk. bench/paths.py says what is measured; bench/run.py runs it all."""

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
SCALE = int(os.environ.get("SCALE", "100000"))
GROWTH_BASE = 10_000
DURATION = int(os.environ.get("BENCH_SECONDS", "10"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "16"))
PORT = int(os.environ.get("BENCH_PORT", "8765"))
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DB_NAME = os.environ.get("BENCH_DB", "privacy_portal_bench")
REDIS = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/3")
WORKERS = int(os.environ.get("BENCH_WORKERS", str(2 * (os.cpu_count() or 1))))
BASE = f"http://127.0.0.1:{PORT}"
SESSIONS = int(os.environ.get("BENCH_SESSIONS", "2000"))
WRK = "wrk"

ENV = {
    **os.environ,
    "DJANGO_ENV": "production",
    "SECRET_KEY": "bench-only-" + "k" * 60,
    "CONSENT_CHAIN_KEY": "bench:" + "c" * 40,
    "CONSENT_CHECKPOINT_DIR": tempfile.mkdtemp(prefix="bench-checkpoints-"),
    "DISCLOSURE_DIR": tempfile.mkdtemp(prefix="bench-disclosures-"),
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "SECURE_SSL_REDIRECT": "false",
    "DATABASE_URL": f"{PG}/{DB_NAME}",
    "CACHE_URL": REDIS,
    "EMAIL_URL": "dummymail://",
    "LOG_LEVEL": "WARNING",
    "API_RATE_LIMIT": "100000000",  # the benchmark is one client asking as fast as it can
    "PYTHONPATH": str(ROOT),
}


def run(*args, **kwargs):
    return subprocess.run(args, cwd=ROOT, env=ENV, check=True, **kwargs)


def manage(*args, capture=False):
    result = run(PYTHON, "manage.py", *args, capture_output=capture, text=True)
    return result.stdout if capture else None


def ensure_wrk() -> None:
    if not shutil.which(WRK):
        print("wrk is missing: installing Debian's package")
        subprocess.run(["apt-get", "install", "-y", "-qq", WRK], check=True)


def prepare_database():
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DB_NAME}"')
    subprocess.run(["redis-cli", "-u", REDIS, "FLUSHDB"], check=True, capture_output=True)
    manage("migrate", "--no-input", "-v0")
    manage("collectstatic", "--no-input", "-v0")
    manage("load_demo_content", "--no-accounts", "-v0")


def fixture(call: str) -> dict:
    """Run a bench.fixtures function in the project and return the JSON it prints."""
    output = manage("shell", "-v0", "-c", f"import bench.fixtures as f; f.{call}", capture=True)
    return json.loads(output.strip().splitlines()[-1])


def count_events_and_receipts() -> tuple[int, int]:
    output = manage(
        "shell", "-v0", "-c",
        "from consents.models import ConsentEvent as E, Receipt as R; print(E.objects.count(), R.objects.count())",
        capture=True,
    )
    events, receipts = output.strip().splitlines()[-1].split()
    return int(events), int(receipts)


def chain_verifies() -> bool:
    return subprocess.run([PYTHON, "manage.py", "verify_consent_chain"], cwd=ROOT, env=ENV,
                          capture_output=True).returncode == 0


def load(start: int, count: int):
    run(PYTHON, "-m", "bench.load_data", "--start", str(start), "--count", str(count))


class Server:
    def __init__(self):
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [str(Path(PYTHON).parent / "gunicorn"), "privacy_portal.wsgi", "--workers", str(WORKERS),
             "--bind", f"127.0.0.1:{PORT}", "--access-logfile", "-", "--log-level", "warning"],
            cwd=ROOT, env=ENV, stdout=subprocess.DEVNULL,
        )
        for _ in range(100):
            try:
                urllib.request.urlopen(BASE + "/healthz/", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        # Warm every worker (imports, connections) before anything is measured.
        subprocess.run([WRK, "-t1", "-c", str(WORKERS * 2), "-d2s", BASE + "/healthz/"], capture_output=True)

    def rss_mb(self) -> float:
        pids = [self.process.pid] + [
            int(p) for p in subprocess.run(["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True)
            .stdout.split()
        ]
        total = 0
        for pid in pids:
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except FileNotFoundError:
                continue
            total += int(re.search(r"VmRSS:\s+(\d+)", status).group(1))
        return total / 1024

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)


class PeakMemory(threading.Thread):
    def __init__(self, server):
        super().__init__(daemon=True)
        self.server, self.peak, self.running = server, 0.0, True

    def run(self):
        while self.running:
            self.peak = max(self.peak, self.server.rss_mb())
            time.sleep(0.1)

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.running = False
        self.join()


def parse_wrk(output: str) -> dict:
    def ms(text):
        value, unit = re.match(r"([\d.]+)(us|ms|s)", text).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)", output, re.M))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    requests = re.search(r"(\d+) requests in", output)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50_ms": ms(latency["50"]),
        "p99_ms": ms(latency["99"]),
        "requests": int(requests.group(1)),
        "errors": (int(non_2xx.group(1)) if non_2xx else 0) + (sum(map(int, socket.groups())) if socket else 0),
    }


def wrk(server, name: str, path: str, script: str | None = None, connections=CONNECTIONS, warm=True) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
        lua.write(script or "")
    common = [WRK, "-t2", f"-c{connections}", "--timeout", "10s", "-s", lua.name]
    if warm:
        # Fill caches and compile templates in every worker first: the figures are the steady state.
        subprocess.run([*common, "-d2s", BASE + path], capture_output=True)
    idle = server.rss_mb()
    with PeakMemory(server) as memory:
        output = subprocess.run(
            [*common, f"-d{DURATION}s", "--latency", BASE + path], capture_output=True, text=True, check=True
        ).stdout
    os.unlink(lua.name)
    result = {"name": name, "path": path, **parse_wrk(output), "idle_mb": idle, "peak_mb": memory.peak}
    print(f"  {name:<28} {result['rps']:>9.0f} req/s  p50 {result['p50_ms']:7.2f} ms  "
          f"p99 {result['p99_ms']:7.2f} ms  errors {result['errors']}", flush=True)
    return result


def lua_random_customer(template: str, count: int) -> str:
    """A wrk script whose every request names a random loaded customer (B000000001…)."""
    return (
        "math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))\n"
        "request = function()\n"
        f"  local customer = string.format('B%09d', math.random(1, {count}))\n"
        f"  return wrk.format(nil, string.format('{template}', customer))\n"
        "end\n"
    )
