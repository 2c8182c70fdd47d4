"""Real task workers (manage.py run_worker) beside a real app server, on PostgreSQL, sending to a local
SMTP server: every email is sent exactly once, through a mail outage and a worker killed mid-send."""

import collections
import re
import time
from urllib.parse import urlsplit

import pytest

from consents.models import Receipt
from outbox.models import OutgoingEmail
from tests.stack import SmtpSink, WebClient

RECEIPT_SUBJECT = re.compile(r"受付番号[：:\s]*(\d{8}-[0-9A-F]{8})")


def poll(condition, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def body(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def log_in(client: WebClient, server, smtp: SmtpSink, address: str) -> None:
    before = len(smtp.messages)
    sent = client.submit(server.url("/login/"), {"email": address})
    assert sent.status_code == 200 and sent.url.endswith("/login/sent/"), sent.status_code
    smtp.wait_for(lambda subjects: len(subjects) > before, what="the login email")
    link = re.search(r"https?://\S+/login/link/\S+/", body(smtp.messages[-1])).group(0)
    landing = client.submit(server.url(urlsplit(link).path))
    assert landing.status_code == 200 and landing.url.endswith("/my/"), landing.status_code


def save(client: WebClient, server, life, value: str) -> None:
    response = client.submit(server.url("/my/preferences/"), {f"pref-{life.pk}-direct_mail": value})
    assert response.status_code == 200 and "/my/receipts/" in response.url, (response.status_code, response.url)


def receipt_numbers(smtp: SmtpSink) -> collections.Counter:
    return collections.Counter(m.group(1) for s in smtp.subjects() if (m := RECEIPT_SUBJECT.search(s)))


def assert_each_receipt_sent_once(smtp: SmtpSink) -> None:
    numbers = receipt_numbers(smtp)
    assert set(numbers) == set(Receipt.objects.values_list("number", flat=True))
    assert set(numbers.values()) == {1}, [n for n, count in numbers.items() if count > 1]
    assert not OutgoingEmail.objects.exclude(status=OutgoingEmail.Status.SENT).exists()


def test_two_workers_send_each_of_200_receipts_exactly_once(stack, hanako, life, smtp):
    server = stack.server(EMAIL_URL=smtp.url, task_worker=False)
    stack.worker(EMAIL_URL=smtp.url)
    stack.worker(EMAIL_URL=smtp.url)
    client = WebClient()
    log_in(client, server, smtp, "hanako@example.com")
    for n in range(200):
        save(client, server, life, "off" if n % 2 == 0 else "on")
    assert Receipt.objects.count() == 200
    smtp.wait_for(lambda subjects: len(receipt_numbers(smtp)) >= 200 and len(subjects) >= 201, what="200 receipts")
    assert_each_receipt_sent_once(smtp)
    assert len(smtp.messages) == 201  # and the one login link
    assert {m["To"] for m in smtp.messages} == {"hanako@example.com"}


@pytest.mark.slow
def test_a_mail_outage_delays_emails_and_loses_none(stack, hanako, life, smtp):
    env = {"EMAIL_URL": smtp.url, "JOB_RETRY_SECONDS": 1}
    server = stack.server(**env, task_worker=False)
    worker = stack.worker(**env)
    client = WebClient()
    log_in(client, server, smtp, "hanako@example.com")

    smtp.stop()
    for n in range(10):
        save(client, server, life, "off" if n % 2 == 0 else "on")  # no error for the customer
    other = WebClient()
    sent = other.submit(server.url("/login/"), {"email": "hanako@example.com"})
    assert sent.status_code == 200 and sent.url.endswith("/login/sent/")
    # The worker looks the address up and queues the login email too; all wait for the mail server.
    poll(lambda: OutgoingEmail.objects.filter(status=OutgoingEmail.Status.QUEUED, attempts__gte=1).count() == 11)
    assert "hanako@example.com" not in worker.log() and "ConnectionRefusedError" in worker.log()

    smtp.start()
    smtp.wait_for(lambda subjects: len(subjects) >= 1 + 11, timeout=90, what="the queued emails")
    assert_each_receipt_sent_once(smtp)
    assert len(smtp.messages) == 12
    # The link that waited out the outage still logs in.
    late = [body(m) for m in smtp.messages[1:] if "/login/link/" in body(m)]
    link = re.search(r"https?://\S+/login/link/\S+/", late[0]).group(0)
    landing = other.submit(server.url(urlsplit(link).path))
    assert landing.status_code == 200 and landing.url.endswith("/my/")
    assert worker.stop() == 0  # SIGTERM: a graceful stop


@pytest.mark.slow
def test_a_worker_killed_mid_send_loses_nothing(stack, hanako, life, smtp):
    server = stack.server(EMAIL_URL=smtp.url, task_worker=False)
    first = stack.worker(EMAIL_URL=smtp.url)
    client = WebClient()
    log_in(client, server, smtp, "hanako@example.com")

    smtp.hold()
    save(client, server, life, "off")
    assert smtp.stalled.wait(30), "the worker never began to send"
    first.kill()  # while the SMTP server has the sender but not yet the message
    smtp.release()
    save(client, server, life, "on")
    stack.worker(EMAIL_URL=smtp.url)
    smtp.wait_for(lambda subjects: len(receipt_numbers(smtp)) >= 2, what="both receipts")
    assert_each_receipt_sent_once(smtp)
