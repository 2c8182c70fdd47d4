"""Changes the customer made elsewhere (a call, a paper card, an email platform's unsubscribe, a reply to an SMS)
that reach the portal later: by the API (`POST /api/v1/preference-changes`), a CSV file in the admin, or a
顧客対応 in the admin. One function for all three: every item is checked before any is written, and the whole
batch is written in one transaction, so a batch with one bad item changes nothing.

A preference goes through consents.services.preferences_update with the time the customer said it (the latest
interaction wins); a bounce, a complaint, a death, a litigation hold or a 全停止 through
consents.suppressions.suppression_place. The sender's key makes a repeat answer with the first result; the same
key with something else is refused.
"""

import datetime
import hashlib
import json
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from consents.models import Capture, Channel, Source, Suppression
from consents.selectors import marketing_company_ids
from consents.services import occurred_at_check, preferences_update
from consents.suppressions import suppression_place
from customers.models import Policyholder
from notices.models import Company

from .models import InboundChange

SOURCES = {
    InboundChange.Origin.API: Source.API,
    InboundChange.Origin.IMPORT: Source.IMPORT,
    InboundChange.Origin.STAFF: Source.STAFF,
}


@dataclass(frozen=True)
class InboundItem:
    key: str
    customer: str
    company: int
    channel: str | None
    occurred_at: datetime.datetime
    capture: str
    allowed: bool | None = None
    suppression: str = ""
    operator: str = ""
    evidence: str = ""
    reason: str = ""

    def fingerprint(self) -> str:
        body = {
            "customer": self.customer, "company": self.company, "channel": self.channel,
            "allowed": self.allowed, "suppression": self.suppression,
            "occurred_at": self.occurred_at.astimezone(datetime.UTC).isoformat(timespec="microseconds"),
            "capture": self.capture, "operator": self.operator, "evidence": self.evidence, "reason": self.reason,
        }
        return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


class InboundRefused(Exception):
    """The batch was refused and nothing was written. `index` is the item's position (0-based), or None."""

    def __init__(self, status: int, code: str, message: str, index: int | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.index = status, code, message, index


@dataclass
class InboundResult:
    item: InboundItem
    change: InboundChange
    repeated: bool = False


@dataclass
class InboundBatch:
    results: list[InboundResult] = field(default_factory=list)


def scan_storage() -> FileSystemStorage:
    """Scans of paper forms: a private directory no URL serves (base_url=None), read back only by staff."""
    return FileSystemStorage(location=settings.INBOUND_SCAN_DIR, base_url=None,
                             directory_permissions_mode=0o700, file_permissions_mode=0o600)


def _refuse(status, code, message, index=None):
    raise InboundRefused(status, code, message, index)


def _check(items: list[InboundItem], *, allowed_companies: set[int] | None) -> None:
    """Everything that needs no lock: the shape of each item, its company, channel and time."""
    if not items:
        _refuse(422, "empty", _("There are no changes to record."))
    channels = set(Channel.Code.values)
    companies = marketing_company_ids()
    known_companies = set(Company.objects.values_list("pk", flat=True))
    now = timezone.now()
    for index, item in enumerate(items):
        if not item.key or len(item.key) > 64:
            _refuse(422, "invalid-key", _("Each change needs a key of 1 to 64 characters."), index)
        if allowed_companies is not None and item.company not in allowed_companies:
            _refuse(403, "company-out-of-scope",
                    _("This client may not record changes for company %(company)s.") % {"company": item.company},
                    index)
        if item.company not in known_companies:
            _refuse(422, "unknown-company", _("Unknown company: %(company)s") % {"company": item.company}, index)
        if item.channel is not None and item.channel not in channels:
            _refuse(422, "unknown-channel", _("Unknown channel: %(channel)s") % {"channel": item.channel}, index)
        if item.capture not in Capture.values:
            _refuse(422, "unknown-capture",
                    _("Unknown way the customer said it: %(capture)s") % {"capture": item.capture}, index)
        if (item.allowed is None) == (not item.suppression):
            _refuse(422, "preference-or-suppression",
                    _("Give either allowed (a preference) or suppression (a stop on contact), not both."), index)
        if item.allowed is not None:
            if item.channel is None:
                _refuse(422, "unknown-channel", _("A preference needs its channel."), index)
            if item.company not in companies:
                _refuse(409, "company-not-joint-user",
                        _("Company %(company)s is not a joint user that markets under the notice in force today.")
                        % {"company": item.company}, index)
        elif item.suppression not in Suppression.Kind.values:
            _refuse(422, "unknown-suppression",
                    _("Unknown kind of suppression: %(kind)s") % {"kind": item.suppression}, index)
        if len(item.operator) > 100 or len(item.evidence) > 200 or len(item.reason) > 200:
            _refuse(422, "too-long", _("The operator (100), evidence (200) or reason (200) is too long."), index)
        if item.suppression in ("hard_bounce", "complaint") and item.channel not in (None, "email"):
            _refuse(422, "suppression-channel",
                    _("A hard bounce or a complaint stops email only: give the channel email or none."), index)
        try:
            occurred_at_check(item.occurred_at, now=now, opt_in=item.allowed is True)
        except ValidationError as error:
            _refuse(422, "invalid-occurred-at", " ".join(error.messages), index)


def _receipt_key(sender: str, key: str) -> str:
    return hashlib.sha256(f"inbound:{sender}:{key}".encode()).hexdigest()


def inbound_record(
    *, origin: str, sender: str, items: list[InboundItem], allowed_companies: set[int] | None = None, actor=None,
    scan=None,
) -> InboundBatch:
    """Record `items` from `sender` (an API client, "import", "staff"), all or nothing. InboundRefused (with an
    HTTP status, a code and a Japanese message naming the item) when any item is wrong: nothing is written."""
    _check(items, allowed_companies=allowed_companies)
    numbers = {item.customer for item in items}
    holders = {holder.customer_number: holder for holder in Policyholder.objects.filter(customer_number__in=numbers)}
    seen: dict[str, str] = {}
    for index, item in enumerate(items):
        if item.customer not in holders:
            _refuse(422, "unknown-customer",
                    _("No customer has the customer number %(customer)s.") % {"customer": item.customer}, index)
        if seen.setdefault(item.key, item.fingerprint()) != item.fingerprint():
            _refuse(409, "key-reused", _("The key %(key)s is given twice with different changes.")
                    % {"key": item.key}, index)
    stored = {
        change.key: change
        for change in InboundChange.objects.filter(sender=sender, key__in=list(seen)).select_related("event__receipt")
    }
    for index, item in enumerate(items):
        earlier = stored.get(item.key)
        if earlier is not None and earlier.fingerprint != item.fingerprint():
            _refuse(409, "key-reused", _(
                "The key %(key)s was used before for a different change. A repeat must send the same change; a new "
                "change needs a new key."
            ) % {"key": item.key}, index)
    scans: list[str] = []
    try:
        with transaction.atomic():
            return _write(origin, sender, items, holders, stored, actor=actor, scan=scan, scans=scans)
    except IntegrityError:
        # Another request recorded one of these keys a moment ago: its result stands; a retry will find it.
        _discard(scans)
        _refuse(409, "key-in-flight", _("One of these keys is being recorded by another request. Send it again."))
    except BaseException:
        _discard(scans)
        raise


def _discard(names: list[str]) -> None:
    """Scans written for a batch that was not recorded: no row names them, so none may stay on disk."""
    for name in names:
        scan_storage().delete(name)


def _write(origin, sender, items, holders, stored, *, actor, scan, scans: list[str]) -> InboundBatch:
    batch = InboundBatch()
    done: dict[str, InboundChange] = {}
    now = timezone.now()
    channels = {channel.code: channel for channel in Channel.objects.all()}
    for index, item in enumerate(items):
        earlier = stored.get(item.key) or done.get(item.key)
        if earlier is not None:
            batch.results.append(InboundResult(item, earlier, repeated=True))
            continue
        holder = holders[item.customer]
        change = InboundChange(
            origin=origin, sender=sender, key=item.key, fingerprint=item.fingerprint(), policyholder=holder,
            company_id=item.company, allowed=item.allowed, suppression_kind=item.suppression,
            occurred_at=item.occurred_at, capture=item.capture, operator=item.operator, evidence=item.evidence,
            received_at=now, actor=actor,
        )
        if scan is not None:
            change.scan = scan_storage().save(f"{now:%Y/%m}/{uuid.uuid4().hex}{Path(scan.name).suffix[:10]}", scan)
            scans.append(change.scan)
        if item.channel is not None:
            change.channel = channels[item.channel]
        reason = item.reason or _("Said through: %(capture)s") % {"capture": Capture(item.capture).label}
        try:
            _apply(change, item, holder, origin=origin, sender=sender, actor=actor, reason=reason)
        except ValidationError as error:
            # What the services refuse (a bounce for a customer without an address…) names its item; the
            # transaction rolls the batch back whole.
            _refuse(422, "refused", " ".join(error.messages), index)
        done[item.key] = change
        batch.results.append(InboundResult(item, change))
    # One insert for the batch: a key taken meanwhile by another request fails it whole (IntegrityError).
    InboundChange.objects.bulk_create(list(done.values()))
    return batch


def _apply(change: InboundChange, item: InboundItem, holder: Policyholder, *, origin, sender, actor, reason) -> None:
    """Record one item through the one preference service or the suppressions' service, and say how on `change`."""
    if item.allowed is not None:
        result = preferences_update(
            policyholder=holder, changes={(item.company, item.channel): item.allowed}, source=SOURCES[origin],
            idempotency_key=_receipt_key(sender, item.key), actor=actor, reason=reason,
            occurred_at=item.occurred_at, capture=item.capture, operator=item.operator,
            evidence=item.evidence,
        )
        event = result.events[0] if result.events else result.receipt.events.order_by("id").first()
        change.event = event
        change.status = InboundChange.Status.APPLIED if event.applied else InboundChange.Status.SUPERSEDED
    else:
        result = suppression_place(
            policyholder=holder, kind=item.suppression, reason=reason, source=SOURCES[origin],
            occurred_at=item.occurred_at, channel_code=item.channel, capture=item.capture, operator=item.operator,
            evidence=item.evidence, actor=actor,
        )
        change.suppression = result.suppression
        change.status = InboundChange.Status.SUPPRESSED
