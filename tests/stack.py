"""Real app servers for the tests of what only a deployment shows: several servers behind one load
balancer, a database that goes away, the log lines an operator ships, the headers a browser gets.

Each server is gunicorn running this project in a subprocess on a loopback port the OS chose, against
the test database and a Redis key prefix of its own test. WebClient plays the customer's browser.
Several pytest-xdist workers may run these at once: each has its own test database (pytest-django's
suffix), ports, directories and key prefixes.
"""

import contextlib
import email
import email.policy
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
import redis
import requests

from tests.commands import ROOT

GUNICORN = str(Path(sys.executable).parent / "gunicorn")
REDIS_URL = "redis://127.0.0.1:6379/2"
LOGIN_LINK = re.compile(r"https?://\S+/login/link/\S+/")
# The pytest-xdist worker (gw0, gw1, ...) in every key prefix: whose keys they are is plain to see.
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")


def key_prefix() -> str:
    """A Redis key prefix of one test's own, under which no other test, worker or checkout writes."""
    return f"test-{WORKER}-{secrets.token_hex(6)}"


def require_redis() -> redis.Redis:
    """A client of the tests' Redis database; a test that needs it fails in CI and is skipped elsewhere
    when Redis does not answer."""
    client = redis.Redis.from_url(REDIS_URL, socket_timeout=2)
    try:
        client.ping()
    except redis.RedisError:
        if os.environ.get("CI") == "true":
            pytest.fail(f"Redis at {REDIS_URL} is required in CI")
        pytest.skip(f"needs Redis at {REDIS_URL}")
    return client


def delete_keys(client: redis.Redis, key_prefix: str) -> None:
    """Every key a Django cache with this KEY_PREFIX wrote."""
    for key in client.scan_iter(f"{key_prefix}:*"):
        client.delete(key)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def listening_socket() -> socket.socket:
    """A loopback socket listening on a port the OS chose, to hand to a child process (gunicorn's
    fd://): the port is held from the moment it is chosen, so that no other test (another xdist
    worker's server, an outgoing connection) can take it while the child starts."""
    return socket.create_server(("127.0.0.1", 0), backlog=128)


def database_url(settings_dict, *, port: int | None = None) -> str:
    """The URL of the test database (as pytest-django named it), optionally through another port."""
    user = quote(settings_dict["USER"] or "")
    password = f":{quote(settings_dict['PASSWORD'])}" if settings_dict["PASSWORD"] else ""
    host = settings_dict["HOST"] or "127.0.0.1"
    return f"postgres://{user}{password}@{host}:{port or settings_dict['PORT'] or 5432}/{settings_dict['NAME']}"


class AppServer:
    """gunicorn with `workers` processes; its stdout and stderr (the log) go to `log_path`."""

    def __init__(self, env: dict, *, log_path: Path, workers: int = 2):
        self.socket = listening_socket()
        self.port = self.socket.getsockname()[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self.env = {**env, "SITE_URL": env.get("SITE_URL", self.base)}
        self.workers = workers
        self.process = None

    def url(self, path: str) -> str:
        return self.base + path

    def start(self) -> "AppServer":
        fd = self.socket.fileno()
        command = [
            GUNICORN, "privacy_portal.wsgi", "--workers", str(self.workers), "--bind", f"fd://{fd}",
            "--timeout", "60", "--graceful-timeout", "5",
        ]
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, pass_fds=(fd,)
            )
        # gunicorn has its own copy; once it stops, the port refuses connections.
        self.socket.close()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}:\n{self.log()}")
            try:
                if requests.get(self.url("/healthz/"), timeout=2, headers={"X-Forwarded-Proto": "https"}).ok:
                    return self
            except (requests.ConnectionError, requests.Timeout):
                # Not listening yet, or the socket is open and no worker has booted yet (a busy machine).
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer on {self.base}:\n{self.log()}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


class Stack:
    """Starts servers that share the test database, one Redis key prefix and one mailbox."""

    def __init__(self, tmp_path: Path, settings_dict, *, static_root: Path | None = None):
        self.tmp_path = tmp_path
        self.settings_dict = settings_dict
        self.static_root = static_root
        self.mailbox = Mailbox(tmp_path / "mail")
        self.key_prefix = key_prefix()
        self.cache_url = f"{REDIS_URL}?key_prefix={self.key_prefix}"
        self.servers = []
        self.workers = []

    def env(self, *, production: bool = False, database_port: int | None = None, **extra) -> dict:
        env = {
            key: value for key, value in os.environ.items()
            if not key.startswith(("DJANGO_", "DATABASE_", "CACHE_", "EMAIL_", "SECRET_", "ALLOWED_", "CONSENT_"))
        }
        env.update(
            DATABASE_URL=database_url(self.settings_dict, port=database_port),
            CACHE_URL=self.cache_url,
            EMAIL_URL=f"filemail:///{self.mailbox.path}",
            # The test's own files, never the checkout's (make run) nor another test's.
            CONSENT_CHECKPOINT_DIR=str(self.tmp_path / "checkpoints"),
            DISCLOSURE_DIR=str(self.tmp_path / "disclosures"),
            REQUEST_DOCUMENT_DIR=str(self.tmp_path / "request-documents"),
            LOG_LEVEL="INFO",
            PYTHONUNBUFFERED="1",
        )
        if production:
            env.update(
                DJANGO_ENV="production",
                SECRET_KEY=f"test-{secrets.token_urlsafe(48)}",
                CONSENT_CHAIN_KEY=f"test:{secrets.token_urlsafe(32)}",
                ALLOWED_HOSTS="127.0.0.1",
                STATIC_ROOT=str(self.static_root),
            )
        env.update({key: str(value) for key, value in extra.items()})
        return env

    def server(
        self, *, production: bool = False, database_port: int | None = None, workers: int = 2,
        task_worker: bool = True, **extra
    ) -> AppServer:
        """An app server of `workers` gunicorn processes; with the first one a task worker of the same
        settings starts too (the emails are sent by it), unless task_worker=False (a test that runs its
        own)."""
        env = self.env(production=production, database_port=database_port, **extra)
        server = AppServer(env, log_path=self.tmp_path / f"server-{len(self.servers) + 1}.log", workers=workers)
        self.servers.append(server)
        if task_worker and not self.workers:
            self.worker(production=production, **extra)
        return server.start()

    def wait_for_tasks(self, timeout: float = 60) -> None:
        """Until the workers have run every task and every row (core.jobs: the emails, packages and campaign
        batches) that is due: the emails of what was done so far."""
        from django.db.models import Q
        from django.utils import timezone
        from django_tasks_db.models import DBTaskResult, get_date_max

        from core.jobs import JOBS

        deadline = time.monotonic() + timeout
        while True:
            now = timezone.now()
            due = Q(status="READY") & (Q(run_after=get_date_max()) | Q(run_after__lte=now))
            tasks = DBTaskResult.objects.filter(due | Q(status="RUNNING")).exists()
            if not tasks and not any(job.due(now).exists() for job in JOBS.values()):
                return
            assert time.monotonic() < deadline, "the workers did not run the queued tasks and rows in time"
            time.sleep(0.1)

    def worker(self, **extra) -> "TaskWorker":
        """A task worker (manage.py run_worker) with the servers' settings."""
        worker = TaskWorker(self.env(**extra), log_path=self.tmp_path / f"worker-{len(self.workers) + 1}.log")
        self.workers.append(worker)
        return worker.start()

    def stop(self) -> None:
        for process in self.servers + self.workers:
            process.stop()
        delete_keys(redis.Redis.from_url(REDIS_URL), self.key_prefix)


class TaskWorker:
    """`manage.py run_worker` in a subprocess, polling the queue every 0.1 s."""

    def __init__(self, env: dict, *, log_path: Path):
        self.env = env
        self.log_path = log_path
        self.process = None

    def start(self) -> "TaskWorker":
        command = [sys.executable, "manage.py", "run_worker", "--interval", "0.1", "--no-startup-delay", "--no-reload"]
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        return self

    def stop(self) -> int | None:
        """SIGTERM, as a deployment stops it: the task being run is finished first."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode if self.process else None

    def kill(self) -> None:
        """SIGKILL: the machine lost, no chance to finish anything."""
        self.process.kill()
        self.process.wait()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


class SmtpSink:
    """A local SMTP server (aiosmtpd) in this process that keeps what it accepts. `stop()` and `start()`
    again on the same port are a mail server's outage; `hold()` makes it stall every new message
    before it accepts it (after MAIL FROM), until `release()`."""

    def __init__(self):
        self.port = free_port()
        self.messages = []
        self.lock = threading.Lock()
        self.held = threading.Event()
        self.stalled = threading.Event()
        self.released = threading.Event()
        self.released.set()
        self.controller = None
        self.started = False

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def start(self) -> "SmtpSink":
        from aiosmtpd.controller import Controller

        for attempt in range(5):
            self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
            try:
                self.controller.start()
            except OSError:
                # Taken since free_port() chose it (another xdist worker's process): on the first start
                # choose again; a restart (the end of an outage) must have the same port.
                self.controller = None
                if self.started or attempt == 4:
                    raise
                self.port = free_port()
            else:
                self.started = True
                return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def hold(self) -> None:
        self.released.clear()
        self.stalled.clear()

    def release(self) -> None:
        self.released.set()

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        import asyncio

        if not self.released.is_set():
            self.stalled.set()
            while not self.released.is_set():
                await asyncio.sleep(0.05)
        envelope.mail_from = address
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append(message)
        return "250 Message accepted for delivery"

    def subjects(self) -> list[str]:
        with self.lock:
            return [str(message["Subject"]) for message in self.messages]

    def wait_for(self, condition, *, timeout: float = 60, what: str = "messages"):
        """Poll until condition(subjects) holds; fail with what arrived otherwise."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition(self.subjects()):
                return
            time.sleep(0.1)
        raise AssertionError(f"timed out waiting for {what}; {len(self.subjects())} arrived")


class Mailbox:
    """The messages Django's file email backend wrote (EMAIL_URL=filemail://<path>)."""

    SEPARATOR = b"\n" + b"-" * 79 + b"\n"

    def __init__(self, path: Path):
        self.path = path
        path.mkdir(parents=True, exist_ok=True)

    def messages(self) -> list:
        found = []
        for file in sorted(self.path.iterdir(), key=lambda f: f.stat().st_mtime_ns):
            for chunk in file.read_bytes().split(self.SEPARATOR):
                if chunk.strip():
                    found.append(email.message_from_bytes(chunk.strip()))
        return found

    def bodies_to(self, address: str) -> list[str]:
        return [
            message.get_payload(decode=True).decode() for message in self.messages() if message["To"] == address
        ]

    def wait_for(self, address: str, count: int, timeout: float = 30) -> list[str]:
        """The bodies of the emails to `address`, once there are at least `count` (a worker sends them)."""
        deadline = time.monotonic() + timeout
        while len(bodies := self.bodies_to(address)) < count:
            assert time.monotonic() < deadline, f"{len(bodies)} of {count} emails to {address} arrived"
            time.sleep(0.1)
        return bodies

    def login_bodies(self, address: str) -> list[str]:
        """The bodies of the login emails to `address` (the workers may send it receipts meanwhile)."""
        return [body for body in self.bodies_to(address) if LOGIN_LINK.search(body)]

    def login_path(self, address: str, *, count: int = 1, timeout: float = 30) -> str:
        """The link in the `count`-th login email to `address` (waiting for it)."""
        deadline = time.monotonic() + timeout
        while len(bodies := self.login_bodies(address)) < count:
            assert time.monotonic() < deadline, f"{len(bodies)} of {count} login emails to {address} arrived"
            time.sleep(0.1)
        return urlsplit(LOGIN_LINK.search(bodies[count - 1]).group(0)).path


class FormReader(HTMLParser):
    """The values a browser would submit for the form(s) in a page: hidden and text inputs, checked
    radios and checkboxes."""

    def __init__(self):
        super().__init__()
        self.values = {}

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag != "input" or "name" not in attributes:
            return
        kind = attributes.get("type", "text")
        if kind in ("radio", "checkbox") and "checked" not in attributes:
            return
        if kind in ("submit", "button"):
            return
        self.values[attributes["name"]] = attributes.get("value", "on")


def form_values(html: str) -> dict:
    reader = FormReader()
    reader.feed(html)
    return reader.values


class WebClient:
    """A browser: a cookie jar shared across the servers on 127.0.0.1 (as behind one load balancer),
    forms with the CSRF token and Origin, redirects followed by hand.

    With `https=True` it talks to production settings as their TLS proxy would (X-Forwarded-Proto:
    https), so it keeps and sends Secure cookies over loopback HTTP itself.
    """

    def __init__(self, *, https: bool = False):
        self.https = https
        self.cookies = {}
        self.set_cookie_headers = []
        self.http = requests.Session()

    def request(self, method: str, url: str, *, headers=None, follow=True, **kwargs) -> requests.Response:
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        parts = urlsplit(url)
        origin = f"{'https' if self.https else 'http'}://{parts.netloc}"
        if self.https:
            headers.setdefault("X-Forwarded-Proto", "https")
        if method == "POST":
            headers.setdefault("Origin", origin)
            headers.setdefault("Referer", url.replace(f"http://{parts.netloc}", origin))
        self.http.cookies.clear()
        response = self.http.request(method, url, headers=headers, allow_redirects=False, timeout=30, **kwargs)
        self._keep_cookies(response)
        if follow and response.status_code in (301, 302, 303) and method in ("GET", "POST"):
            location = response.headers["Location"]
            if location.startswith("/"):
                location = f"http://{parts.netloc}{location}"
            return self.request("GET", location, follow=True)
        return response

    def _keep_cookies(self, response):
        for header in response.raw.headers.getlist("Set-Cookie"):
            self.set_cookie_headers.append(header)
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value

    def get(self, url: str, **kwargs) -> requests.Response:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, data: dict, **kwargs) -> requests.Response:
        return self.request("POST", url, data=data, **kwargs)

    def submit(self, url: str, changes: dict | None = None, **kwargs) -> requests.Response:
        """Open the page at `url` and submit its form with `changes` applied."""
        page = self.get(url)
        assert page.status_code == 200, (page.status_code, page.text[:500])
        return self.post(url, {**form_values(page.text), **(changes or {})}, **kwargs)

    def log_in(self, server: AppServer, address: str, mailbox: Mailbox, *, link_server: AppServer | None = None):
        """Ask `server` for a login link, and press the link's button on `link_server` (default: the same)."""
        before = len(mailbox.login_bodies(address))
        sent = self.submit(server.url("/login/"), {"email": address})
        assert sent.status_code == 200 and sent.url.endswith("/login/sent/"), (sent.status_code, sent.text[:500])
        landing = self.submit((link_server or server).url(mailbox.login_path(address, count=before + 1)))
        assert landing.status_code == 200 and landing.url.endswith("/my/"), (landing.status_code, landing.text[:500])
        return landing


class CuttableProxy:
    """A TCP proxy between app servers and PostgreSQL that a test can cut (every connection dropped,
    new ones refused) and restore: a database outage without stopping the database the test itself
    and everyone else on the machine use."""

    def __init__(self, *, target_port: int, target_host: str = "127.0.0.1"):
        self.port = 0  # the OS chooses it when the proxy first listens; restore() listens on it again
        self.target = (target_host, target_port)
        self.sockets = set()
        self.lock = threading.Lock()
        self.listening = None

    def start(self) -> "CuttableProxy":
        listener = socket.create_server(("127.0.0.1", self.port))
        self.port = listener.getsockname()[1]
        listener.settimeout(0.1)
        self.listening = threading.Event()
        self.listening.set()
        threading.Thread(target=self._accept, args=(listener, self.listening), daemon=True).start()
        return self

    def _accept(self, listener, listening):
        with listener:
            while listening.is_set():
                try:
                    client, _address = listener.accept()
                except TimeoutError:
                    continue
                client.settimeout(None)
                upstream = socket.create_connection(self.target)
                with self.lock:
                    self.sockets.update((client, upstream))
                for source, destination in ((client, upstream), (upstream, client)):
                    threading.Thread(target=self._pump, args=(source, destination), daemon=True).start()

    def _pump(self, source, destination):
        try:
            while data := source.recv(65536):
                destination.sendall(data)
        except OSError:
            pass
        for end in (source, destination):
            self._close(end)

    def _close(self, end):
        with self.lock:
            self.sockets.discard(end)
        with contextlib.suppress(OSError):
            end.shutdown(socket.SHUT_RDWR)
        end.close()

    def cut(self) -> None:
        """Refuse new connections and drop every open one, as a database that went away."""
        self.listening.clear()
        time.sleep(0.3)  # the accept loop notices within its 0.1 s timeout and closes the listener
        with self.lock:
            open_sockets = list(self.sockets)
        for end in open_sockets:
            self._close(end)

    def restore(self) -> None:
        if not self.listening.is_set():
            self.start()
