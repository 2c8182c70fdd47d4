"""Signed checkpoints of the consent chain, kept outside the database.

A checkpoint is a Merkle root over every policyholder's chain (policyholder id, number of events,
hash of the newest) as it stood up to one event id, with the totals, signed with the chain key
(HMAC-SHA256, CONSENT_CHAIN_KEY). `consent_checkpoint` writes one a day to CONSENT_CHECKPOINT_DIR,
which the database's administrators cannot write; `verify_consent_chain` recomputes the same root
from the tables. So whoever can rewrite the tables but not that directory cannot remove a receipt,
erase a customer's history or recompute hashes for anything a checkpoint covers without it showing.

Since format 2 a checkpoint anchors the chains of notice records (who was told of a notice version,
and their answers) the same way, under "notice_records"; a format 1 checkpoint anchors events only. Since
format 3 it anchors the chains of suppressions (stops on contact and their lifts) too, under "suppressions".
"""

import dataclasses
import datetime
import hmac
import json
import os
from pathlib import Path

from django.conf import settings
from django.db.models import Max
from django.utils import timezone

from .chain import MerkleRoot, UnknownChainKey, current_key_id, keyed_digest
from .models import ConsentEvent, NoticeRecord, Suppression

FORMAT = 3
READABLE_FORMATS = (1, 2, 3)
# Events newer than this are left to the next checkpoint: a save that took its id a moment ago may
# not have committed yet, and a checkpoint must never miss an event below its last id.
SETTLE = datetime.timedelta(minutes=5)
FILE_GLOB = "checkpoint-*.json"


class CheckpointError(Exception):
    pass


@dataclasses.dataclass(frozen=True)
class NoticeRecordAnchor:
    last_id: int
    chains: int
    records: int
    root: str


@dataclasses.dataclass(frozen=True)
class Checkpoint:
    path: Path
    created_at: datetime.datetime
    last_event_id: int
    chains: int
    events: int
    root: str
    key_id: str
    notice_records: NoticeRecordAnchor | None = None  # None in a format 1 checkpoint
    suppressions: NoticeRecordAnchor | None = None  # None before format 3


def _body(checkpoint: dict) -> dict:
    return {key: value for key, value in checkpoint.items() if key != "signature"}


def chain_heads(*, up_to_id: int, model=ConsentEvent):
    """(policyholder id, event count, newest hash) of every chain, counting events (or notice records)
    up to `up_to_id`, in policyholder order, streamed."""
    events = (
        model.objects.filter(id__lte=up_to_id)
        .order_by("policyholder_id", "id")
        .values_list("policyholder_id", "hash")
        .iterator(chunk_size=10_000)
    )
    current, count, head = None, 0, None
    for policyholder_id, event_hash in events:
        if policyholder_id != current:
            if current is not None:
                yield current, count, head
            current, count = policyholder_id, 0
        count += 1
        head = event_hash
    if current is not None:
        yield current, count, head


def anchor_compute(model, *, before: datetime.datetime) -> dict:
    """The Merkle root over every policyholder's chain of `model` rows recorded up to `before`, with the last
    id, the number of chains and of rows it covers."""
    last_id = model.objects.filter(created_at__lte=before).aggregate(last=Max("id"))["last"] or 0
    tree = MerkleRoot()
    for policyholder_id, count, head in chain_heads(up_to_id=last_id, model=model):
        tree.add(policyholder_id, count, head)
    return {"last_id": last_id, "chains": tree.chains, "records": tree.events, "root": tree.root()}


def checkpoint_compute(*, settle: datetime.timedelta = SETTLE) -> dict:
    """The signed checkpoint of every event older than `settle` (call inside one transaction)."""
    now = timezone.now()
    events = anchor_compute(ConsentEvent, before=now - settle)
    body = {
        "format": FORMAT,
        "created_at": now.astimezone(datetime.UTC).isoformat(timespec="microseconds"),
        "last_event_id": events["last_id"],
        "chains": events["chains"],
        "events": events["records"],
        "root": events["root"],
        "key_id": current_key_id(),
        "notice_records": anchor_compute(NoticeRecord, before=now - settle),
        "suppressions": anchor_compute(Suppression, before=now - settle),
    }
    return {**body, "signature": keyed_digest(body["key_id"], body)}


def checkpoint_write(checkpoint: dict, directory: Path | None = None) -> Path:
    """A new read-only file; never replaces one."""
    directory = Path(directory or settings.CONSENT_CHECKPOINT_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    created = datetime.datetime.fromisoformat(checkpoint["created_at"])
    path = directory / f"checkpoint-{created:%Y%m%dT%H%M%S%fZ}.json"
    with open(path, "x", encoding="utf-8") as file:
        json.dump(checkpoint, file, ensure_ascii=False, indent=1)
        file.write("\n")
    os.chmod(path, 0o444)
    return path


def checkpoint_read(path: Path) -> Checkpoint:
    """The checkpoint in `path` once its signature verifies; CheckpointError otherwise."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        signature = data["signature"]
        expected = keyed_digest(data["key_id"], _body(data))
    except UnknownChainKey as error:
        raise CheckpointError(f"{path.name} is signed with key id {error}, which is not configured.") from None
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise CheckpointError(f"{path.name} cannot be read: {type(error).__name__}.") from None
    if not isinstance(signature, str) or not _same(signature, expected) or data.get("format") not in READABLE_FORMATS:
        raise CheckpointError(f"{path.name} does not match its signature: it was changed after it was written.")
    notice_records = None
    if data["format"] >= 2:
        try:
            notice_records = NoticeRecordAnchor(**data["notice_records"])
        except (KeyError, TypeError):
            raise CheckpointError(f"{path.name} cannot be read: its notice records are incomplete.") from None
    suppressions = None
    if data["format"] >= 3:
        try:
            suppressions = NoticeRecordAnchor(**data["suppressions"])
        except (KeyError, TypeError):
            raise CheckpointError(f"{path.name} cannot be read: its suppressions are incomplete.") from None
    return Checkpoint(
        path=path,
        suppressions=suppressions,
        created_at=datetime.datetime.fromisoformat(data["created_at"]),
        last_event_id=data["last_event_id"],
        chains=data["chains"],
        events=data["events"],
        root=data["root"],
        key_id=data["key_id"],
        notice_records=notice_records,
    )


def _same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


def checkpoint_paths(directory: Path | None = None) -> list[Path]:
    """Every checkpoint file, oldest first (their names sort by time)."""
    directory = Path(directory or settings.CONSENT_CHECKPOINT_DIR)
    return sorted(directory.glob(FILE_GLOB)) if directory.is_dir() else []
