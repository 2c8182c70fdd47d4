"""The hash chain of consent events: each event's hash covers its fields and the previous hash of
the same policyholder, so editing, deleting or reordering a stored event breaks the chain."""

import datetime
import hashlib
import json

GENESIS = "0" * 64


def event_hash(event, *, channel_code: str, receipt_number: str) -> str:
    fields = {
        "policyholder": event.policyholder_id,
        "receipt": receipt_number,
        "company": event.company_id,
        "channel": channel_code,
        "old": event.old_value,
        "new": event.new_value,
        "at": event.created_at.astimezone(datetime.UTC).isoformat(timespec="microseconds"),
        "notice_version": event.notice_version_id,
        "source": event.source,
        "actor": event.actor_id,
        "reason": event.reason,
        "ip": event.ip_address,
        "user_agent": event.user_agent,
        "idempotency_key": event.idempotency_key,
        "previous": event.previous_hash,
    }
    canonical = json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()
