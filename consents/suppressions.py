"""Suppressions: stops on contact that override the customer's preferences (consents.models.Suppression).

A hard bounce or a complaint from the group's email platform, a death, a litigation hold, the customer's own
全停止 told to staff: each stops contact whatever the stored preference says, and keeps stopping it when the
customer later ticks 受け取る, until a 承認者 lifts it with a reason. Placements and lifts are appended to the
policyholder's chain of suppressions (keyed like the consent events, anchored by the checkpoints).
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import Policyholder

from .chain import chain_append, policyholder_lock, suppression_hash
from .changes import SUPPRESSION, changes_notify
from .models import Capture, Channel, Source, Suppression

# A bounce or a complaint is about email: it stops email only, and only while the customer's address is the one
# that bounced. The others stop every channel.
EMAIL_ONLY = (Suppression.Kind.HARD_BOUNCE, Suppression.Kind.COMPLAINT)


@dataclass(frozen=True)
class SuppressionResult:
    suppression: Suppression
    repeated: bool = False  # the same stop was already in place (or the key seen): nothing new was written


def _same_address(stored: str, current: str | None) -> bool:
    return not stored or stored.casefold() == (current or "").casefold()


def active_suppressions(policyholder_ids) -> dict[int, list[Suppression]]:
    """{policyholder id: the suppressions in place} for these policyholders, in one query."""
    rows = (
        Suppression.objects.filter(
            policyholder_id__in=list(policyholder_ids), action=Suppression.Action.PLACE, lifted_by__isnull=True
        )
        .select_related("channel", "company", "policyholder")
        .order_by("policyholder_id", "id")
    )
    found: dict[int, list[Suppression]] = {}
    for row in rows:
        if _same_address(row.address, row.policyholder.email):
            found.setdefault(row.policyholder_id, []).append(row)
    return found


@transaction.atomic
def suppression_place(
    *,
    policyholder: Policyholder,
    kind: str,
    reason: str,
    source: str,
    occurred_at: datetime.datetime | None = None,
    company_id: int | None = None,
    channel_code: str | None = None,
    address: str = "",
    capture: str = "",
    operator: str = "",
    evidence: str = "",
    actor=None,
    idempotency_key: str = "",
) -> SuppressionResult:
    """Place a stop of `kind` on contacting `policyholder`. A bounce or a complaint stops email only (at the
    customer's address now, unless `address` names the one that bounced); the others stop every channel unless
    `channel_code` narrows them. The same stop already in place records nothing new."""
    if kind not in Suppression.Kind.values:
        raise ValidationError(_("Unknown kind of suppression: %(kind)s") % {"kind": kind}, code="kind")
    if source not in Source.values:
        raise ValueError(source)
    if capture and capture not in Capture.values:
        raise ValidationError(_("Unknown way the customer said it: %(capture)s") % {"capture": capture}, code="capture")
    if not reason.strip():
        raise ValidationError(_("A suppression needs its reason."), code="reason")
    if len(idempotency_key) > 64:
        raise ValidationError(_("The request has no valid idempotency key."), code="idempotency_key")
    if kind in EMAIL_ONLY:
        if channel_code not in (None, Channel.Code.EMAIL):
            raise ValidationError(_("A bounce or a complaint stops email only."), code="channel")
        channel_code = Channel.Code.EMAIL
    channel = None
    if channel_code is not None:
        channel = Channel.objects.filter(code=channel_code).first()
        if channel is None:
            raise ValidationError(_("Unknown channel: %(channel)s") % {"channel": channel_code}, code="channel")
    now = timezone.now()
    current_email = policyholder_lock(policyholder)
    if kind in EMAIL_ONLY:
        address = (address or current_email or "").strip().casefold()
        if not address:
            raise ValidationError(_("The customer has no email address for a bounce or a complaint."), code="address")
    rows = Suppression.objects.filter(policyholder=policyholder)
    if idempotency_key:
        existing = rows.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return SuppressionResult(existing, repeated=True)
    existing = rows.filter(
        action=Suppression.Action.PLACE, lifted_by__isnull=True, kind=kind, channel=channel, company_id=company_id,
        address=address,
    ).first()
    if existing is not None:
        return SuppressionResult(existing, repeated=True)
    row = Suppression(
        policyholder=policyholder, action=Suppression.Action.PLACE, kind=kind, channel=channel,
        company_id=company_id, address=address, reason=reason.strip()[:200], source=source, capture=capture,
        operator=operator.strip()[:100], evidence=evidence.strip()[:200], actor=actor,
        occurred_at=occurred_at or now, created_at=now, idempotency_key=idempotency_key,
    )
    chain_append([row], digest=suppression_hash)
    changes_notify(SUPPRESSION, [row])
    return SuppressionResult(row)


@transaction.atomic
def suppression_lift(*, suppression: Suppression, actor, reason: str) -> Suppression:
    """A 承認者 (consents.lift_suppression) ends a stop, with a reason; the lift is a row of its own in the chain."""
    if actor is None or not actor.has_perm("consents.lift_suppression"):
        raise ValidationError(_("Only an approver (承認者) may lift a suppression."), code="permission")
    if not reason.strip():
        raise ValidationError(_("Lifting a suppression needs a reason."), code="reason")
    policyholder_lock(suppression.policyholder)
    placed = Suppression.objects.filter(pk=suppression.pk, action=Suppression.Action.PLACE).first()
    if placed is None:
        raise ValidationError(_("Only a placed suppression can be lifted."), code="action")
    if Suppression.objects.filter(lifts=placed).exists():
        raise ValidationError(_("This suppression has already been lifted."), code="lifted")
    now = timezone.now()
    row = Suppression(
        policyholder_id=placed.policyholder_id, action=Suppression.Action.LIFT, kind=placed.kind,
        channel=placed.channel, company_id=placed.company_id, address=placed.address, reason=reason.strip()[:200],
        source=Source.STAFF, actor=actor, occurred_at=now, created_at=now, lifts=placed,
    )
    chain_append([row], digest=suppression_hash)
    changes_notify(SUPPRESSION, [row])
    return row


def customer_suppressions(policyholder: Policyholder) -> list[Suppression]:
    """What stops contact with this customer now, for the preference center."""
    return active_suppressions([policyholder.pk]).get(policyholder.pk, [])


__all__ = [
    "EMAIL_ONLY", "SuppressionResult", "active_suppressions", "customer_suppressions",
    "suppression_lift", "suppression_place",
]
