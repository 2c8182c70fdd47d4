"""Webhook deliveries as rows the workers run: what is delivered to whom, signed, retried, given up and replayed,
and the owner told of a subscriber failing for WEBHOOK_RETRY_SECONDS. The receiver is a local HTTP server."""

import datetime
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone

from consents.models import Channel, Source
from consents.services import preferences_update
from consents.suppressions import suppression_place
from relay.delivery import secret_issue, signature
from relay.models import WebhookDelivery, WebhookSubscriber
from tests.conftest import run_due_jobs, sent
from tests.factories import PolicyholderFactory
from tests.personas import approver


class Receiver:
    def __init__(self):
        self.requests, self.status = [], 204
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append(({k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(receiver.status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"

    def events(self):
        return [json.loads(body) for _headers, body in self.requests]


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.server.shutdown()


@pytest.fixture
def subscriber(receiver, life):
    row = WebhookSubscriber.objects.create(name="DM", url=receiver.url, secret=secret_issue(), owner=approver())
    row.companies.add(life)
    row.channels.add(Channel.objects.get(code="direct_mail"), Channel.objects.get(code="email"))
    return row


def change(holder, company, channel, value, key):
    return preferences_update(policyholder=holder, changes={(company.pk, channel): value}, source=Source.PORTAL,
                              idempotency_key=key)


def test_a_change_is_delivered_signed_to_the_subscribers_of_its_company_and_channel(receiver, subscriber, life,
                                                                                     nonlife):
    holder = PolicyholderFactory()
    result = change(holder, life, "direct_mail", False, "a")
    change(holder, life, "phone", False, "b")  # a channel it does not want
    change(holder, nonlife, "direct_mail", False, "c")  # a company it does not want
    run_due_jobs()
    assert len(receiver.requests) == 1
    headers, body = receiver.requests[0]
    assert headers["webhook-id"] == f"ce_{result.events[0].pk}"
    assert headers["webhook-signature"] == signature(
        subscriber.secret, headers["webhook-id"], int(headers["webhook-timestamp"]), body
    )
    event = json.loads(body)
    assert event["type"] == "preference.changed"
    assert event["data"]["customer"] == holder.customer_number and event["data"]["allowed"] is False
    assert WebhookDelivery.objects.get().status == "delivered"


def test_suppressions_are_delivered(receiver, subscriber, life):
    holder = PolicyholderFactory()
    suppression_place(policyholder=holder, kind="deceased", reason="ご家族から", source="staff")
    run_due_jobs()
    assert receiver.events()[0]["type"] == "suppression.placed"
    assert receiver.events()[0]["data"]["kind"] == "deceased"


def test_a_failing_delivery_waits_longer_each_time_then_is_given_up_and_replayed(receiver, subscriber, life,
                                                                                settings):
    settings.JOB_RETRY_SECONDS = 30
    receiver.status = 503
    holder = PolicyholderFactory()
    change(holder, life, "direct_mail", False, "a")
    run_due_jobs()
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("pending", 1, 503)
    assert delivery.next_attempt_at - timezone.now() > datetime.timedelta(seconds=25)
    # A later change of the same customer waits behind it: order per customer.
    change(holder, life, "direct_mail", True, "b")
    run_due_jobs()
    assert len(receiver.requests) == 1
    # Still failing a day after the first attempt: given up, and the owner is told once.
    day_ago = timezone.now() - datetime.timedelta(seconds=settings.WEBHOOK_RETRY_SECONDS + 60)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(first_attempt_at=day_ago, next_attempt_at=timezone.now())
    WebhookSubscriber.objects.filter(pk=subscriber.pk).update(failing_since=day_ago)
    run_due_jobs()
    delivery.refresh_from_db()
    assert delivery.status == "failed"
    subscriber.refresh_from_db()
    assert subscriber.failing_email is not None
    told = [message for message in sent() if message.to == [subscriber.owner.email]]
    assert len(told) == 1 and "DM" in told[0].subject and "24時間" in told[0].subject
    # Replayed from the admin once the receiver is back: both arrive, in order.
    receiver.status = 204
    from django.test import Client

    client = Client()
    client.force_login(approver("approver2"))
    response = client.post("/admin/relay/webhookdelivery/", {
        "action": "retry_given_up", "_selected_action": [delivery.pk],
    })
    assert response.status_code == 302
    WebhookDelivery.objects.update(next_attempt_at=timezone.now())
    run_due_jobs()
    ids = [headers["webhook-id"] for headers, _body in receiver.requests]
    assert ids[-2:] == sorted(ids[-2:], key=lambda value: int(value[3:])) and ids[-1] != ids[-2]
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {"delivered"}
    subscriber.refresh_from_db()
    assert subscriber.failing_since is None


def test_an_export_resumes_after_the_last_webhook_event_received(client, life):
    from tests.factories import ApiClientFactory

    token = ApiClientFactory(companies=[life]).token
    first, second = PolicyholderFactory(), PolicyholderFactory()
    seen = change(first, life, "direct_mail", False, "a").events[0]
    change(second, life, "direct_mail", False, "b")
    response = client.get(
        "/api/v1/do-not-contact", {"company": life.pk, "channel": "direct_mail", "since": f"ce_{seen.pk}"},
        headers={"Authorization": f"Bearer {token}"},
    )
    body = b"".join(response.streaming_content).decode()
    assert response.status_code == 200
    assert second.customer_number in body and first.customer_number not in body
