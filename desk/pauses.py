"""Stopping a request's clock while staff wait for the customer, and starting it again. The customer sees the
reason on the request's page; resuming moves the due date by the paused calendar days (Asia/Tokyo)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .guards import ANSWER_PERMISSION, lock_open, require
from .models import CustomerRequest, RequestPause

MESSAGE_LIMIT = 1000


@transaction.atomic
def request_pause(*, request: CustomerRequest, actor, reason: str, message: str = "") -> RequestPause:
    """Stop the clock of an open request, with the reason the customer is shown and, if staff write it, what
    exactly is needed from them."""
    require(actor, ANSWER_PERMISSION)
    if reason not in RequestPause.Reason.values:
        raise ValidationError(_("Choose the reason for the pause; the customer sees it."), code="reason")
    message = message.strip()
    if len(message) > MESSAGE_LIMIT:
        raise ValidationError(_("Write what is needed in %(limit)s characters or fewer.") % {"limit": MESSAGE_LIMIT},
                              code="message")
    request = lock_open(request)
    if request.pauses.filter(ended_at__isnull=True).exists():
        raise ValidationError(_("This request is already paused."), code="paused")
    return RequestPause.objects.create(request=request, reason=reason, message=message,
                                       started_at=timezone.now(), started_by=actor)


def paused_days(pause: RequestPause, *, until: datetime.datetime) -> int:
    """Calendar days in Tokyo from the day the clock stopped to the day it started again."""
    return max(0, (timezone.localdate(until) - timezone.localdate(pause.started_at)).days)


def _end(request: CustomerRequest, pause: RequestPause, *, by) -> RequestPause:
    now = timezone.now()
    pause.ended_at, pause.ended_by, pause.days = now, by, paused_days(pause, until=now)
    pause.save(update_fields=["ended_at", "ended_by", "days"])
    request.due_date += datetime.timedelta(days=pause.days)
    request.save(update_fields=["due_date"])
    return pause


@transaction.atomic
def request_resume(*, request: CustomerRequest, actor) -> RequestPause:
    """Start the clock again: the due date moves by the days it was stopped."""
    require(actor, ANSWER_PERMISSION)
    request = lock_open(request)
    pause = request.pauses.select_for_update().filter(ended_at__isnull=True).first()
    if pause is None:
        raise ValidationError(_("This request is not paused."), code="not_paused")
    return _end(request, pause, by=actor)


def pause_end_on_close(request: CustomerRequest) -> None:
    """A request answered while paused: its pause ends with it (by no one), inside the closing transaction."""
    pause = request.pauses.select_for_update().filter(ended_at__isnull=True).first()
    if pause is not None:
        _end(request, pause, by=None)
