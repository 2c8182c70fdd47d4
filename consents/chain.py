"""The hash chain of consent events: each event's hash covers its fields and the previous hash of
the same policyholder, so editing, deleting or reordering a stored event breaks the chain. The notice
records (who was told of a notice version, and how they answered) form a second chain per
policyholder, hashed the same way.

Hashes are keyed (HMAC-SHA256) with CONSENT_CHAIN_KEY, a secret kept out of the database: whoever
can write the tables cannot recompute a chain after changing it. Each event records the id of its
key, so that a key can be rotated while older events keep verifying (CONSENT_CHAIN_KEY_FALLBACKS).
Events written before keyed hashes have an empty key id and a plain SHA-256; they verify with that
scheme and are anchored by the signed checkpoints (consents/checkpoints.py), like the rest.
"""

import datetime
import hashlib
import hmac
import json

from django.conf import settings

from customers.models import Policyholder

GENESIS = "0" * 64
LEGACY_KEY_ID = ""
USER_AGENT_LIMIT = 300


class UnknownChainKey(Exception):
    """An event or checkpoint names a key id that is not configured."""


def chain_key(key_id: str) -> bytes:
    try:
        return settings.CONSENT_CHAIN_KEYS[key_id]
    except KeyError:
        raise UnknownChainKey(key_id) from None


def current_key_id() -> str:
    return settings.CONSENT_CHAIN_KEY_ID


def _canonical(fields: dict) -> bytes:
    return json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def keyed_digest(key_id: str, fields: dict) -> str:
    return hmac.new(chain_key(key_id), _canonical(fields), hashlib.sha256).hexdigest()


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
    # A change said elsewhere and recorded later adds its own fields; events without them hash as they always did.
    # (Read with getattr: a migration's historical model of the events from before these fields has none.)
    occurred_at = getattr(event, "occurred_at", None)
    if occurred_at is not None:
        fields["occurred_at"] = occurred_at.astimezone(datetime.UTC).isoformat(timespec="microseconds")
    for name in ("capture", "operator", "evidence"):
        if getattr(event, name, ""):
            fields[name] = getattr(event, name)
    if not getattr(event, "applied", True):
        fields["applied"] = False
    if event.key_id == LEGACY_KEY_ID:
        return hashlib.sha256(_canonical(fields)).hexdigest()
    return keyed_digest(event.key_id, {**fields, "key": event.key_id})


def notice_record_hash(record) -> str:
    """The keyed hash of a NoticeRecord. "record" keeps it apart from any consent event's fields."""
    fields = {
        "record": "notice",
        "policyholder": record.policyholder_id,
        "notice_version": record.notice_version_id,
        "kind": record.kind,
        "campaign": record.campaign_id,
        "at": record.created_at.astimezone(datetime.UTC).isoformat(timespec="microseconds"),
        "source": record.source,
        "actor": record.actor_id,
        "ip": record.ip_address,
        "user_agent": record.user_agent,
        "idempotency_key": record.idempotency_key,
        "previous": record.previous_hash,
        "key": record.key_id,
    }
    # An answer's number is covered too; records without one (older answers, being told, and the historical
    # models of migrations written before numbers) hash as before.
    number = getattr(record, "number", "")
    if number:
        fields["number"] = number
    return keyed_digest(record.key_id, fields)


def suppression_hash(row) -> str:
    """The keyed hash of a Suppression row (placed or lifted). "record" keeps it apart from the other chains."""
    fields = {
        "record": "suppression",
        "policyholder": row.policyholder_id,
        "action": row.action,
        "kind": row.kind,
        "channel": row.channel_id,
        "company": row.company_id,
        "address": row.address,
        "reason": row.reason,
        "source": row.source,
        "capture": row.capture,
        "operator": row.operator,
        "evidence": row.evidence,
        "actor": row.actor_id,
        "occurred_at": row.occurred_at.astimezone(datetime.UTC).isoformat(timespec="microseconds"),
        "at": row.created_at.astimezone(datetime.UTC).isoformat(timespec="microseconds"),
        "lifts": row.lifts_id,
        "idempotency_key": row.idempotency_key,
        "previous": row.previous_hash,
        "key": row.key_id,
    }
    return keyed_digest(row.key_id, fields)


def policyholder_lock(policyholder: Policyholder) -> str:
    """Lock the policyholder's row until the transaction ends and return their email address as stored now.
    Every append to either chain holds it, so two writes for one customer never take the same place."""
    return Policyholder.objects.select_for_update().values_list("email", flat=True).get(pk=policyholder.pk)


def chain_ip(model, ip_address: str | None) -> str | None:
    """The client's address as the database will store it (IPv6 in its canonical form): the hash must cover
    what is stored, or it would not verify later. ValidationError if it is not an address."""
    if not ip_address:
        return None
    ip_field = model._meta.get_field("ip_address")
    ip_address = ip_field.to_python(ip_address)
    ip_field.run_validators(ip_address)
    return ip_address


def chain_append(records: list, *, digest) -> None:
    """Write `records` (new rows of one policyholder, whose row the caller holds locked: policyholder_lock), in
    order, at the end of their chain: each is keyed with the current key, hashed by `digest(record)` over the
    previous record's hash, and inserted one at a time so that ids follow the chain on every database."""
    model = type(records[0])
    previous = (
        model.objects.filter(policyholder=records[0].policyholder_id).order_by("-id").values_list("hash", flat=True)
        .first()
    )
    for record in records:
        record.previous_hash = previous or GENESIS
        record.key_id = current_key_id()
        record.user_agent = record.user_agent[:USER_AGENT_LIMIT]
        record.hash = digest(record)
        record.save(force_insert=True)
        previous = record.hash


# A Merkle tree over every chain's head (RFC 6962's shape), built as the leaves stream past in
# policyholder order, in memory of the tree's height.
def _leaf(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def _node(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


class MerkleRoot:
    """Add (policyholder id, event count, head hash) for each chain in policyholder order; `root()`."""

    def __init__(self):
        self._stack: list[tuple[int, bytes]] = []  # (height, hash) of complete subtrees
        self.chains = 0
        self.events = 0

    def add(self, policyholder_id: int, count: int, head: str) -> None:
        self.chains += 1
        self.events += count
        item = (0, _leaf(f"{policyholder_id}:{count}:{head}".encode()))
        while self._stack and self._stack[-1][0] == item[0]:
            height, left = self._stack.pop()
            item = (height + 1, _node(left, item[1]))
        self._stack.append(item)

    def root(self) -> str:
        if not self._stack:
            return hashlib.sha256(b"").hexdigest()
        right = self._stack[-1][1]
        for _height, left in reversed(self._stack[:-1]):
            right = _node(left, right)
        return right.hex()
