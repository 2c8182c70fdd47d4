"""Webhooks delivered by two real workers (manage.py run_worker) on PostgreSQL to a real receiver process that
verifies each signature with the README's example: every change arrives, once after de-duplication by event id,
in order per customer, through a receiver outage."""

import json
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from consents.models import Channel, ConsentEvent, Source
from consents.services import preferences_update
from relay.delivery import secret_issue
from relay.models import WebhookDelivery, WebhookSubscriber
from tests.factories import PolicyholderFactory
from tests.personas import approver
from tests.stack import free_port

README = Path(__file__).resolve().parents[2] / "README.md"

RECEIVER = '''
import json, sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

{verify}

SECRET, PORT, LOG = sys.argv[1], int(sys.argv[2]), sys.argv[3]


class Receiver(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        headers = {{name.lower(): value for name, value in self.headers.items()}}
        valid = verify(SECRET, headers, body)
        with open(LOG, "a") as log:
            log.write(json.dumps({{"id": headers.get("webhook-id"), "valid": valid, "body": body.decode(),
                                  "headers": headers}}) + "\\n")
        self.send_response(204 if valid else 400)
        self.end_headers()

    def log_message(self, *args):
        pass


ThreadingHTTPServer(("127.0.0.1", PORT), Receiver).serve_forever()
'''


def readme_verify() -> str:
    """The README's receiver example, as written there."""
    block = re.search(r"```python\n# webhook-verify-example\n(.*?)```", README.read_text(), re.S)
    return block.group(1)


class ReceiverProcess:
    def __init__(self, tmp_path: Path, secret: str):
        self.port = free_port()
        self.log = tmp_path / "received.jsonl"
        self.script = tmp_path / "receiver.py"
        self.script.write_text(RECEIVER.format(verify=readme_verify()))
        self.secret = secret
        self.process = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks"

    def start(self):
        self.process = subprocess.Popen([sys.executable, str(self.script), self.secret, str(self.port), str(self.log)])
        return self

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)

    def received(self) -> list[dict]:
        if not self.log.exists():
            return []
        return [json.loads(line) for line in self.log.read_text().splitlines() if line.strip()]


def poll(condition, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)


@pytest.fixture
def receiver(tmp_path):
    secret = secret_issue()
    process = ReceiverProcess(tmp_path, secret)
    yield process
    process.stop()


def test_two_workers_deliver_500_changes_of_50_customers_once_in_order(stack, life, receiver):
    subscriber = WebhookSubscriber.objects.create(
        name="メール配信システム", url=receiver.url, secret=receiver.secret, owner=approver()
    )
    subscriber.companies.add(life)
    subscriber.channels.add(*Channel.objects.all())
    holders = PolicyholderFactory.create_batch(50)

    # The receiver is down while the first changes are delivered: the workers retry.
    stack.worker(JOB_RETRY_SECONDS=1)
    stack.worker(JOB_RETRY_SECONDS=1)
    for round_number in range(10):
        for n, holder in enumerate(holders):
            preferences_update(
                policyholder=holder, changes={(life.pk, "direct_mail"): round_number % 2 == 1},
                source=Source.PORTAL, idempotency_key=f"{n}-{round_number}",
            )
        if round_number == 1:
            # Down until the workers have failed some deliveries, then up again while changes keep coming.
            poll(lambda: WebhookDelivery.objects.filter(attempts__gte=2, last_error__gt="").exists())
            receiver.start()
    assert ConsentEvent.objects.count() == 500

    expected = {f"ce_{pk}" for pk in ConsentEvent.objects.values_list("pk", flat=True)}
    poll(lambda: {row["id"] for row in receiver.received() if row["valid"]} >= expected, timeout=180)
    received = receiver.received()
    assert all(row["valid"] for row in received)
    first_seen = {}
    for row in received:
        first_seen.setdefault(row["id"], row)
    assert set(first_seen) == expected  # every change, and nothing else; duplicates only of the same id
    # In order per customer: each customer's events arrive by increasing id.
    by_customer = {}
    for event_id, row in first_seen.items():
        by_customer.setdefault(json.loads(row["body"])["data"]["customer"], []).append(int(event_id[3:]))
    assert len(by_customer) == 50
    for customer, ids in by_customer.items():
        assert ids == sorted(ids), customer
    poll(lambda: not WebhookDelivery.objects.exclude(status=WebhookDelivery.Status.DELIVERED).exists())

    # The README's example refuses an event checked against another secret.
    namespace = {}
    exec(readme_verify(), namespace)  # noqa: S102 - the README's own example, run as a receiver would
    sample = received[-1]
    assert namespace["verify"](receiver.secret, sample["headers"], sample["body"].encode()) is True
    assert namespace["verify"](secret_issue(), sample["headers"], sample["body"].encode()) is False
    tampered = sample["body"].replace('"direct_mail"', '"phone"').encode()
    assert namespace["verify"](receiver.secret, sample["headers"], tampered) is False
