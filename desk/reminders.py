"""The assignee is emailed once, REQUEST_REMINDER_DAYS before an open request's due date
(desk.tasks.request_reminders_send, every hour). A paused request is not reminded while paused: its due date
moves when it resumes. The email is queued in the outbox and linked from the request, so it is sent once."""

import datetime

from django.conf import settings
from django.db import transaction

from core.dates import today_in_tokyo
from outbox.sending import outgoing_email_queue

from .emails import REQUEST_REMINDER
from .models import CustomerRequest


def reminders_due(*, today: datetime.date | None = None):
    horizon = (today or today_in_tokyo()) + datetime.timedelta(days=settings.REQUEST_REMINDER_DAYS)
    return CustomerRequest.objects.running().filter(
        reminder__isnull=True, assignee__isnull=False, due_date__lte=horizon
    )


def request_reminders_queue(*, today: datetime.date | None = None) -> int:
    """Queue the reminders that are due; how many were queued."""
    queued = 0
    for pk in reminders_due(today=today).values_list("pk", flat=True):
        with transaction.atomic():
            # Locked and checked again: two workers (or a retried job) never remind twice.
            request = reminders_due(today=today).select_for_update(skip_locked=True).filter(pk=pk).first()
            if request is None:
                continue
            request.reminder = outgoing_email_queue(kind=REQUEST_REMINDER, policyholder=None)
            request.save(update_fields=["reminder"])
            queued += 1
    return queued
