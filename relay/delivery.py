"""Webhooks out: every committed preference change, suppression and answer to a consent question, delivered to
each group system that subscribed to its company and channel, as a signed JSON event.

A delivery is a row written in the transaction of the change (consents.changes calls `deliveries_queue`), so it
exists exactly when the change does; the workers POST it as one more row-as-job (core/jobs.py). At least once,
in order per customer: a delivery waits while an earlier one to the same subscriber for the same customer still
waits. A failed POST is tried again with a growing wait for WEBHOOK_RETRY_SECONDS, then kept as failed for staff to
replay (the admin's 「再試行」); a subscriber whose deliveries have all failed for as long is marked failing and
its owner emailed.

The signature follows Standard Webhooks (standardwebhooks.com): headers `webhook-id` (the event id),
`webhook-timestamp` (Unix seconds) and `webhook-signature` ("v1," and the base64 HMAC-SHA256, keyed with the
subscriber's secret, of "<id>.<timestamp>.<body>").
"""

import base64
import datetime
import hashlib
import hmac
import http.client
import json
import logging
import secrets
import urllib.error
import urllib.request

from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consents.changes import ANSWER, EVENT, SUPPRESSION
from consents.models import Suppression
from core.jobs import job_register, retry_delay
from core.memo import process_memo
from outbox.sending import outgoing_email_queue

from .models import WebhookDelivery, WebhookSubscriber

logger = logging.getLogger(__name__)

SUBSCRIBER_FAILING = "webhook_failing"
# A delivery behind an earlier one of the same customer looks again this soon.
ORDER_WAIT = datetime.timedelta(milliseconds=200)
TIMEOUT_SECONDS = 10
USER_AGENT = "privacy-portal-webhooks/1"


def secret_issue() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def signature(secret: str, event_id: str, timestamp: int, body: bytes) -> str:
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{event_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


def _iso(value):
    return timezone.localtime(value).isoformat() if value else None


def _event_payloads(kind: str, rows: list) -> list[tuple[object, str, str, dict, int | None, str | None]]:
    """(row, event id, type, data, company id or None, channel code or None) for each row."""
    found = []
    if kind == EVENT:
        for event in rows:
            data = {
                "customer": event.policyholder.customer_number,
                "company": event.company_id,
                "channel": event.channel.code,
                "allowed": event.new_value if event.applied else event.old_value,
                "said": event.new_value,
                "applied": event.applied,
                "occurred_at": _iso(event.occurred_at or event.created_at),
                "recorded_at": _iso(event.created_at),
                "source": event.source,
                "capture": event.capture or None,
                "receipt": event.receipt.number,
                "consent_event": event.pk,
            }
            found.append((event, f"ce_{event.pk}", "preference.changed", data, event.company_id, event.channel.code))
    elif kind == SUPPRESSION:
        for row in rows:
            data = {
                "customer": row.policyholder.customer_number,
                "kind": row.kind,
                "company": row.company_id,
                "channel": row.channel.code if row.channel else None,
                "occurred_at": _iso(row.occurred_at),
                "recorded_at": _iso(row.created_at),
                "source": row.source,
                "suppression": row.lifts_id or row.pk,
            }
            event_type = "suppression.lifted" if row.action == Suppression.Action.LIFT else "suppression.placed"
            found.append((row, f"su_{row.pk}", event_type, data, row.company_id,
                          row.channel.code if row.channel else None))
    elif kind == ANSWER:
        for record in rows:
            data = {
                "customer": record.policyholder.customer_number,
                "notice_version": record.notice_version_id,
                "answer": record.kind,
                "recorded_at": _iso(record.created_at),
                "source": record.source,
            }
            found.append((record, f"nr_{record.pk}", "consent.answered", data, None, None))
    return found


# Subscribers are read once per this many seconds per process, not with every change: a change in the admin clears
# this process's copy at once (apps.py) and reaches the other processes in this time, so a new subscriber hears
# of changes committed from then on.
SUBSCRIBERS_MEMO_SECONDS = 2


@process_memo(seconds=SUBSCRIBERS_MEMO_SECONDS)
def _subscribers() -> list[tuple[int, set[int], set[str]]]:
    """(id, company ids, channel codes) of each active subscriber, in one query."""
    found: dict[int, tuple[set, set]] = {}
    rows = WebhookSubscriber.objects.filter(active=True).values_list("pk", "companies", "channels__code")
    for pk, company_id, channel_code in rows:
        companies, channels = found.setdefault(pk, (set(), set()))
        companies.add(company_id)
        channels.add(channel_code)
    return [(pk, companies, channels) for pk, (companies, channels) in found.items()]


def subscribers_changed(**kwargs) -> None:
    _subscribers.clear()


def deliveries_queue(kind: str, rows: list) -> None:
    """consents.changes' listener: one delivery per subscriber that wants each row, in the change's transaction."""
    subscribers = _subscribers()
    if not subscribers:
        return
    now = timezone.now()
    deliveries = []
    for row, event_id, event_type, data, company_id, channel_code in _event_payloads(kind, rows):
        payload = {"type": event_type, "timestamp": _iso(now), "data": data}
        for subscriber, companies, channels in subscribers:
            if company_id is not None and company_id not in companies:
                continue
            if channel_code is not None and channel_code not in channels:
                continue
            deliveries.append(WebhookDelivery(
                subscriber_id=subscriber, policyholder_id=row.policyholder_id, event_id=event_id,
                event_type=event_type, payload=payload, created_at=now, next_attempt_at=now,
            ))
    WebhookDelivery.objects.bulk_create(deliveries)


def _post(delivery: WebhookDelivery) -> int:
    body = json.dumps(delivery.payload, ensure_ascii=False, separators=(",", ":")).encode()
    timestamp = int(timezone.now().timestamp())
    url = delivery.subscriber.url
    if not url.startswith(("https://", "http://")):
        raise ValueError("not an HTTP URL")
    request = urllib.request.Request(url, data=body, method="POST", headers={  # noqa: S310 - checked above
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "webhook-id": delivery.event_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature(delivery.subscriber.secret, delivery.event_id, timestamp, body),
    })
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 - checked above
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


SAVED = ["attempts", "status", "next_attempt_at", "last_error", "last_status_code", "first_attempt_at"]


def _deliver(delivery: WebhookDelivery) -> None:
    now = timezone.now()
    earlier = WebhookDelivery.objects.filter(
        subscriber_id=delivery.subscriber_id, policyholder_id=delivery.policyholder_id,
        status=WebhookDelivery.Status.PENDING, id__lt=delivery.pk,
    )
    blocking = earlier.order_by("next_attempt_at").values_list("next_attempt_at", flat=True).first()
    if blocking is not None:
        # Not an attempt: it waits its turn behind the customer's earlier change, until that one is tried again
        # (or a moment, when that one is being delivered right now).
        delivery.attempts -= 1
        delivery.next_attempt_at = max(now + ORDER_WAIT, blocking)
        delivery.save(update_fields=["attempts", "next_attempt_at"])
        return
    if delivery.attempts == 1 or delivery.first_attempt_at is None:
        delivery.first_attempt_at = now  # a first attempt, or the first of a replay
    try:
        status = _post(delivery)
        error = "" if 200 <= status < 300 else f"HTTP {status}"
    except (OSError, ValueError, http.client.HTTPException) as failure:  # refused, reset, timed out, garbled
        status, error = None, type(failure).__name__
    delivery.last_status_code = status
    subscribers = WebhookSubscriber.objects.filter(pk=delivery.subscriber_id)
    if not error:
        delivery.status, delivery.delivered_at, delivery.next_attempt_at = WebhookDelivery.Status.DELIVERED, now, None
        delivery.last_error = ""
        delivery.save(update_fields=[*SAVED, "delivered_at"])
        subscribers.filter(Q(failing_since__isnull=False) | Q(failing_email__isnull=False)).update(
            failing_since=None, failing_email=None
        )
        return
    subscribers.filter(failing_since__isnull=True).update(failing_since=now)
    _owner_tell(delivery.subscriber_id, now)
    delivery.last_error = error[:200]
    if now - delivery.first_attempt_at >= datetime.timedelta(seconds=settings.WEBHOOK_RETRY_SECONDS):
        # Given up here rather than by raising GiveUp, which would roll back the owner's email queued above.
        logger.error("Gave up webhook delivery %s after %s attempts: %s", delivery.pk, delivery.attempts, error)
        delivery.status, delivery.next_attempt_at = WebhookDelivery.Status.FAILED, None
        delivery.save(update_fields=SAVED)
        return
    delivery.next_attempt_at = now + retry_delay(delivery.attempts)
    logger.warning("webhook delivery %s failed, attempt %s: %s", delivery.pk, delivery.attempts, error)
    delivery.save(update_fields=SAVED)


def _owner_tell(subscriber_id: int, now) -> None:
    """Mark a subscriber failing for WEBHOOK_RETRY_SECONDS and email its owner, once per failing spell."""
    horizon = now - datetime.timedelta(seconds=settings.WEBHOOK_RETRY_SECONDS)
    subscriber = (
        WebhookSubscriber.objects.select_for_update()
        .filter(pk=subscriber_id, failing_since__lte=horizon, failing_email__isnull=True).first()
    )
    if subscriber is None:
        return
    subscriber.failing_email = outgoing_email_queue(kind=SUBSCRIBER_FAILING, policyholder=None)
    subscriber.save(update_fields=["failing_email"])


def failing_email(email) -> EmailMessage | None:
    subscriber = email.webhook_subscriber
    if not subscriber.owner.email:
        return None
    context = {"subscriber": subscriber, "hours": settings.WEBHOOK_RETRY_SECONDS // 3600}
    return EmailMessage(
        subject=render_to_string("relay/email/subscriber_failing_subject.txt", context).strip(),
        body=render_to_string("relay/email/subscriber_failing.txt", context),
        to=[subscriber.owner.email],
    )


EMAIL_KIND = {"code": SUBSCRIBER_FAILING, "label": _("Webhook subscriber failing"), "build": failing_email}

DELIVERIES = job_register(
    "webhook delivery", WebhookDelivery, _deliver, waiting=WebhookDelivery.Status.PENDING,
    given_up=WebhookDelivery.Status.FAILED, order=("next_attempt_at", "id"), select_related=("subscriber",),
)
