"""Propose, approve and reject changes. Each is one transaction; the approver is never one of the people
who proposed the values, and approves exactly what was shown to them (the fingerprint)."""

import hashlib
import json

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import APPROVE_PERMISSION, ChangeRequest


class StaleChangeRequest(Exception):
    """The request was decided, replaced, or it or its object changed after the approver opened it."""


def field_value(obj: models.Model, name: str):
    """A field's value as stored in a proposal: plain JSON, a related object by its primary key."""
    return obj._meta.get_field(name).value_from_object(obj)


def _as_json(value):
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def _check_fields(model: type[models.Model], values: dict) -> None:
    for name in values:
        try:
            field = model._meta.get_field(name)
        except Exception as error:
            raise ValidationError(_("%(name)s is not a field that can be changed.") % {"name": name}) from error
        if not field.concrete or not field.editable or field.primary_key or field.many_to_many:
            raise ValidationError(_("%(name)s is not a field that can be changed.") % {"name": name})


def target_of(change: ChangeRequest, *, lock: bool = False) -> models.Model | None:
    """The object the request changes, as it is now; None for a request that creates one."""
    if change.object_id is None:
        return None
    manager = change.content_type.model_class()._default_manager
    if lock:
        manager = manager.select_for_update()
    return manager.filter(pk=change.object_id).first()


def current_values(change: ChangeRequest, target: models.Model | None) -> dict:
    if target is None:
        return {}
    return _as_json({name: field_value(target, name) for name in change.values})


def fingerprint(change: ChangeRequest, target: models.Model | None = None) -> str:
    """What the approver saw: the request, its state, its values and the object's values they replace."""
    if target is None:
        target = target_of(change)
    shown = {
        "id": change.pk,
        "status": change.status,
        "content_type": change.content_type_id,
        "object_id": change.object_id,
        "values": change.values,
        "current": current_values(change, target),
    }
    return hashlib.sha256(json.dumps(shown, sort_keys=True, cls=DjangoJSONEncoder).encode()).hexdigest()


@transaction.atomic
def change_propose(
    *, user, values: dict, obj: models.Model | None = None, model: type[models.Model] | None = None
) -> ChangeRequest | None:
    """Propose `values` (field name → value) for `obj`, or for a new object of `model`.

    The proposal replaces a pending one for the same object (whose values the caller has merged in);
    empty `values` withdraws the pending one. Returns the new request, the unchanged pending one when
    nothing differs from it, or None after a withdrawal.
    """
    model = type(obj) if obj is not None else model
    opts = model._meta
    action = "change" if obj is not None else "add"
    if not user.has_perm(f"{opts.app_label}.{action}_{opts.model_name}"):
        raise PermissionDenied(_("You do not have permission to propose this change."))
    _check_fields(model, values)
    values = _as_json(values)
    content_type = ContentType.objects.get_for_model(model)
    object_id = obj.pk if obj is not None else None
    pending = (
        ChangeRequest.objects.select_for_update()
        .filter(content_type=content_type, object_id=object_id, status=ChangeRequest.Status.PENDING)
        .first()
        if object_id is not None
        else None
    )
    if pending is not None and pending.values == values:
        return pending
    now = timezone.now()
    if pending is not None:
        pending.status = ChangeRequest.Status.SUPERSEDED
        pending.decided_at = now
        pending.save(update_fields=["status", "decided_at"])
    if not values:
        return None
    change = ChangeRequest(
        content_type=content_type,
        object_id=object_id,
        object_repr=str(obj)[:200] if obj is not None else str(values.get(_label_field(model), ""))[:200],
        values=values,
        old_values=_as_json({name: field_value(obj, name) for name in values}) if obj is not None else {},
        proposed_by=user,
        proposed_at=now,
        supersedes=pending,
    )
    change.full_clean()
    change.save()
    return change


def _label_field(model) -> str:
    return next((f.name for f in model._meta.concrete_fields if isinstance(f, models.CharField)), "pk")


def _lock_pending(change: ChangeRequest, user) -> ChangeRequest:
    if not user.has_perm(APPROVE_PERMISSION):
        raise PermissionDenied(_("Only an approver can approve or reject a proposed change."))
    change = ChangeRequest.objects.select_for_update().select_related("content_type").get(pk=change.pk)
    if not change.is_pending:
        raise StaleChangeRequest(
            _("This change request has already been %(status)s. Open the list again.")
            % {"status": change.get_status_display()}
        )
    return change


@transaction.atomic
def change_approve(*, change: ChangeRequest, user, fingerprint_shown: str, reason: str = "") -> models.Model:
    """Apply a pending request that `user` did not propose, exactly as it was shown to them.

    Raises StaleChangeRequest when it or its object changed since the page was opened, PermissionDenied
    for its own proposer, ValidationError when the values no longer fit (nothing is written then).
    """
    change = _lock_pending(change, user)
    if user.pk in change.proposers():
        raise PermissionDenied(
            _("You proposed this change, so another person must approve it (two-person rule).")
        )
    target = target_of(change, lock=True)
    if change.object_id is not None and target is None:
        raise StaleChangeRequest(_("The object of this change request no longer exists."))
    if fingerprint(change, target) != fingerprint_shown:
        raise StaleChangeRequest(
            _("The change request or its object changed after you opened this page. Open it again and check "
              "what you approve.")
        )
    model = change.content_type.model_class()
    target = target if target is not None else model()
    for name, value in change.values.items():
        field = model._meta.get_field(name)
        setattr(target, field.attname, field.to_python(value))
    target.full_clean()
    target.save()
    change.status = ChangeRequest.Status.APPROVED
    change.decided_by = user
    change.decided_at = timezone.now()
    change.reason = reason.strip()
    if change.object_id is None:
        change.object_id = target.pk
    change.save(update_fields=["status", "decided_by", "decided_at", "reason", "object_id"])
    return target


@transaction.atomic
def change_reject(*, change: ChangeRequest, user, reason: str) -> ChangeRequest:
    """Close a pending request without applying it; the object stays as it is. A reason is required."""
    change = _lock_pending(change, user)
    if not reason.strip():
        raise ValidationError(_("Enter the reason for rejecting the change."))
    change.status = ChangeRequest.Status.REJECTED
    change.decided_by = user
    change.decided_at = timezone.now()
    change.reason = reason.strip()
    change.save(update_fields=["status", "decided_by", "decided_at", "reason"])
    return change
