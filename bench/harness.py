"""The benchmark's machinery: the production stack on loopback (gunicorn, PostgreSQL, Redis), its data
and fixtures, and wrk. bench/paths.py says what is measured; bench/run.py runs it all.

BENCH_SMOKE=1 is the smoke run (CI's): every stage at a tiny scale, about a second a path, to show that the
benchmark still runs, not to measure anything. Every process the benchmark starts (gunicorn, task workers)
is started through `spawn`, in a process group of its own, and `stop_all` ends them whatever way the run
ends; they also get SIGTERM if the benchmark itself dies (Linux's parent-death signal)."""

import contextlib
import ctypes
import ctypes.util
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
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
SMOKE = os.environ.get("BENCH_SMOKE", "").lower() in {"1", "true", "yes"}
SCALE = int(os.environ.get("SCALE", "5000" if SMOKE else "100000"))
# The first phase's size: the API check and the login request are measured there too, for their growth.
GROWTH_BASE = min(10_000, SCALE // 2)
DURATION = int(os.environ.get("BENCH_SECONDS", "1" if SMOKE else "10"))
# wrk's warm-up before each path, and the server's after it starts.
WARM_SECONDS = 1 if SMOKE else 2
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "16"))
PORT = int(os.environ.get("BENCH_PORT", "8765"))
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DB_NAME = os.environ.get("BENCH_DB", "privacy_portal_bench")
REDIS = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/3")
WORKERS = int(os.environ.get("BENCH_WORKERS", str(2 * (os.cpu_count() or 1))))
BASE = f"http://127.0.0.1:{PORT}"
SESSIONS = int(os.environ.get("BENCH_SESSIONS", "200" if SMOKE else "2000"))
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
    try:
        return subprocess.run(args, **{"cwd": ROOT, "env": ENV, "check": True, **kwargs})
    except subprocess.CalledProcessError as error:
        if error.stderr:  # captured: say why, or the failure names only the command
            stderr = error.stderr if isinstance(error.stderr, str) else error.stderr.decode(errors="replace")
            print(stderr[-3000:], file=sys.stderr, flush=True)
        raise


_PROCESSES: list[subprocess.Popen] = []
_LIBC = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True) if sys.platform == "linux" else None
PR_SET_PDEATHSIG = 1


def _die_with_the_benchmark() -> None:  # in the child, between fork and exec
    if _LIBC is not None:
        _LIBC.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def spawn(args, **kwargs) -> subprocess.Popen:
    """Start a long-running process (a server, a worker) of the benchmark's, in its own process group (so that
    stopping it stops whatever it forked), registered for `stop_all`."""
    process = subprocess.Popen(args, cwd=ROOT, start_new_session=True, preexec_fn=_die_with_the_benchmark,
                               **{"env": ENV, **kwargs})
    _PROCESSES.append(process)
    return process


def stop(process: subprocess.Popen, timeout: float = 30) -> None:
    """SIGTERM to the process's group (a graceful stop); after `timeout` seconds, or once the process has
    exited, SIGKILL to whatever the group still holds (a child it left behind)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        name = " ".join([Path(process.args[0]).name, *map(str, process.args[1:3])])
        print(f"  {name} (pid {process.pid}) did not stop in {timeout:.0f} s: killing it", flush=True)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)
    if process in _PROCESSES:
        _PROCESSES.remove(process)


def stop_all() -> None:
    """Stop every process `spawn` started that is still registered (a run that failed or was interrupted)."""
    for process in list(reversed(_PROCESSES)):
        stop(process, timeout=10)


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
    # migrate, collectstatic and load_demo_content --no-accounts, in one process (each start of Django costs seconds).
    manage("shell", "-v0", "-c", "from django.core.management import call_command as c; "
           "c('migrate', interactive=False, verbosity=0); c('collectstatic', interactive=False, verbosity=0); "
           "c('load_demo_content', no_accounts=True, verbosity=0)")


def fixture(*calls: str) -> dict:
    """Run bench.fixtures functions in the project, in one process (each start of Django costs seconds), and
    return the JSON objects they print (one line each), merged."""
    code = "import bench.fixtures as f; " + "; ".join(f"f.{call}" for call in calls)
    output = manage("shell", "-v0", "-c", code, capture=True)
    merged = {}
    for line in output.splitlines():
        if line.startswith("{"):
            merged.update(json.loads(line))
    return merged


SCHEMA: dict = {}


def schema() -> dict:
    """The tables, columns and status values the benchmark's own SQL names, as the models say them
    (bench.fixtures.schema; a run may fill SCHEMA with an earlier fixture call)."""
    if not SCHEMA:
        SCHEMA.update(fixture("schema()")["schema"])
    return SCHEMA


def connect():
    """A connection to the benchmark's database, for the SQL it writes itself (counting while workers work)."""
    return psycopg.connect(ENV["DATABASE_URL"], autocommit=True)


def waiting(conn) -> int:
    """Emails due and not sent yet, and tasks due that may make more (login requests)."""
    email, task = schema()["email"], schema()["task"]
    emails = conn.execute(
        sql.SQL("SELECT count(*) FROM {} WHERE {} = %s AND {} <= now()").format(
            sql.Identifier(email["table"]), sql.Identifier(email["status"]), sql.Identifier(email["next_attempt_at"])
        ),
        [email["queued"]],
    ).fetchone()[0]
    tasks = conn.execute(
        sql.SQL("SELECT count(*) FROM {} WHERE {} = %s AND ({} <= now() OR {} = %s)").format(
            sql.Identifier(task["table"]), sql.Identifier(task["status"]), sql.Identifier(task["run_after"]),
            sql.Identifier(task["run_after"]),
        ),
        [task["ready"], task["date_max"]],
    ).fetchone()[0]
    return emails + tasks


def saves_recorded(*, verify: bool = False) -> dict:
    """Consent events and receipts in the database; with `verify`, whether verify_consent_chain passes."""
    return fixture(f"saves_recorded(verify={verify})")


def load(start: int, count: int):
    run(PYTHON, "-m", "bench.load_data", "--start", str(start), "--count", str(count))


class Server:
    def __init__(self):
        self.process = None

    def start(self):
        self.process = spawn(
            [str(Path(PYTHON).parent / "gunicorn"), "privacy_portal.wsgi", "--workers", str(WORKERS),
             "--bind", f"127.0.0.1:{PORT}", "--access-logfile", "-", "--log-level", "warning"],
            stdout=subprocess.DEVNULL,
        )
        began = time.monotonic()
        while True:
            try:
                urllib.request.urlopen(BASE + "/healthz/", timeout=1)
                break
            except OSError:
                if self.process.poll() is not None or time.monotonic() - began > 60:
                    self.stop()
                    raise RuntimeError(f"gunicorn did not answer /healthz/ on {BASE}") from None
                time.sleep(0.2)
        if WARM_SECONDS:
            # Warm every worker (imports, connections) before anything is measured.
            subprocess.run([WRK, "-t1", "-c", str(WORKERS * 2), f"-d{WARM_SECONDS}s", BASE + "/healthz/"],
                           capture_output=True)

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
        if self.process is not None:
            stop(self.process)

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()


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
    if warm and WARM_SECONDS:
        # Fill caches and compile templates in every worker first: the figures are the steady state.
        subprocess.run([*common, f"-d{WARM_SECONDS}s", BASE + path], capture_output=True)
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
