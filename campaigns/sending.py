"""A started campaign's work, in the task workers: select every recipient, hand the emails to the outbox in
batches at CAMPAIGN_EMAILS_PER_MINUTE, record the postal notices, and pick up whatever a dead worker left.

Nothing here emails anyone twice, whatever stops when:
- each policyholder is a recipient of a campaign once (a unique constraint; the selection is one
  INSERT … SELECT … ON CONFLICT DO NOTHING, so running it again adds nobody);
- a recipient moves from pending to handed in the transaction that queues its one OutgoingEmail, holding
  its row; a worker killed mid-batch rolls the whole batch back, and the next batch takes those rows again;
- the outbox sends each OutgoingEmail once (consents/outbox.py) and records the notice as given in the
  transaction that marks it sent.
A batch holds its campaign's row locked, so two batch tasks of one campaign never run at once; a batch
task lost with its worker is enqueued again by `campaigns_resume` (a periodic job).
"""

import datetime
import logging
import math

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone
from django_tasks import TaskResultStatus, task
from django_tasks.exceptions import TaskResultDoesNotExist

from consents.models import NoticeRecord, OutgoingEmail, Policyholder
from consents.outbox import PRIORITY, outgoing_email_queue
from consents.services import notice_record_append
from core.dbtimeouts import lift_statement_timeout

from .models import Campaign, PostalDownload, Recipient

logger = logging.getLogger(__name__)

# A batch whose task has not started this long after it was due is taken for lost.
LOST_AFTER = datetime.timedelta(minutes=2)
POSTAL_CHUNK = 500


def batch_plan() -> tuple[int, datetime.timedelta]:
    """(emails per batch, time between batches) for CAMPAIGN_EMAILS_PER_MINUTE: a batch every
    CAMPAIGN_BATCH_SECONDS, or less often when the rate is below one email per batch."""
    rate = settings.CAMPAIGN_EMAILS_PER_MINUTE
    seconds = max(settings.CAMPAIGN_BATCH_SECONDS, math.ceil(60 / rate))
    return max(1, rate * seconds // 60), datetime.timedelta(seconds=seconds)


def _remember_task(campaign: Campaign, result, at: datetime.datetime) -> None:
    campaign.batch_task_id, campaign.next_batch_at = str(result.id), at
    Campaign.objects.filter(pk=campaign.pk).update(batch_task_id=campaign.batch_task_id, next_batch_at=at)


def enqueue_select(campaign: Campaign) -> None:
    _remember_task(campaign, campaign_recipients_select.enqueue(campaign.pk), timezone.now())


def enqueue_batch(campaign: Campaign, *, at: datetime.datetime) -> None:
    # A batch due now is enqueued without a run-after time: due at once, in every backend.
    waiting = campaign_send_batch.using(run_after=at) if at > timezone.now() else campaign_send_batch
    _remember_task(campaign, waiting.enqueue(campaign.pk), at)


def enqueue_postal_records(download: PostalDownload) -> None:
    campaign_postal_records.enqueue(download.pk)


@task(priority=PRIORITY[OutgoingEmail.Kind.NOTICE_CHANGE])
def campaign_recipients_select(campaign_id: int) -> int:
    return recipients_select(campaign_id=campaign_id)


@task(priority=PRIORITY[OutgoingEmail.Kind.NOTICE_CHANGE])
def campaign_send_batch(campaign_id: int) -> int:
    return send_batch(campaign_id=campaign_id)


@task(priority=PRIORITY[OutgoingEmail.Kind.NOTICE_CHANGE])
def campaign_postal_records(download_id: int) -> int:
    return postal_records_write(download_id=download_id)


@task(priority=-10)
def campaigns_resume() -> int:
    return campaigns_resume_lost()


def recipients_select(*, campaign_id: int) -> int:
    """Every policyholder as a recipient of the campaign, with the channel that reaches them, in one
    INSERT … SELECT (a million rows without one of them passing through Python); then the first batch.
    Returns the number of recipients (0 if another worker has it, or it was done)."""
    with transaction.atomic():
        campaign = (
            Campaign.objects.select_for_update(skip_locked=True)
            .filter(pk=campaign_id, status=Campaign.Status.SENDING, recipients_selected_at__isnull=True)
            .first()
        )
        if campaign is None:
            return 0
        lift_statement_timeout()
        recipients, holders = Recipient._meta.db_table, Policyholder._meta.db_table
        with connection.cursor() as cursor:
            # WHERE TRUE: SQLite needs it to read ON CONFLICT after a SELECT.
            cursor.execute(
                f"""
                INSERT INTO {recipients} (campaign_id, policyholder_id, channel, state)
                SELECT %s, p.id,
                       CASE WHEN %s AND p.email <> '' THEN 'email'
                            WHEN %s AND p.postal_code <> '' AND p.address1 <> '' THEN 'post'
                            ELSE 'none' END,
                       'pending'
                FROM {holders} p
                WHERE TRUE
                ON CONFLICT (campaign_id, policyholder_id) DO NOTHING
                """,  # noqa: S608 - table names from the models, values as parameters
                [campaign.pk, campaign.by_email, campaign.by_post],
            )
        counts = dict(
            Recipient.objects.filter(campaign=campaign).values_list("channel").annotate(n=Count("id")).order_by()
        )
        campaign.email_recipients = counts.get(Recipient.Channel.EMAIL, 0)
        campaign.post_recipients = counts.get(Recipient.Channel.POST, 0)
        campaign.unreachable = counts.get(Recipient.Channel.NONE, 0)
        campaign.recipients_selected_at = timezone.now()
        campaign.save(update_fields=["email_recipients", "post_recipients", "unreachable", "recipients_selected_at"])
        enqueue_batch(campaign, at=campaign.recipients_selected_at)
    logger.info("Campaign %s: %s recipients selected (%s by email, %s by post, %s unreachable)", campaign.pk,
                sum(counts.values()), campaign.email_recipients, campaign.post_recipients, campaign.unreachable)
    return sum(counts.values())


def send_batch(*, campaign_id: int) -> int:
    """Hand the next batch of a sending campaign's email recipients to the outbox, one OutgoingEmail each,
    and schedule the batch after it. Returns how many were handed."""
    with transaction.atomic():
        campaign = (
            Campaign.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("notice_version")
            .filter(pk=campaign_id, status=Campaign.Status.SENDING, recipients_selected_at__isnull=False)
            .first()
        )
        if campaign is None:
            return 0  # stopped, finished, or another worker is running its batch
        now = timezone.now()
        if campaign.next_batch_at and now < campaign.next_batch_at - datetime.timedelta(seconds=1):
            return 0  # a second task for a batch that already ran: the scheduled one will come
        if not campaign.notice_version.is_published:
            # Withdrawn meanwhile: telling customers of it would mislead them.
            campaign.status, campaign.stopped_at = Campaign.Status.STOPPED, now
            campaign.save(update_fields=["status", "stopped_at"])
            logger.warning("Campaign %s stopped: its notice version was withdrawn", campaign.pk)
            return 0
        size, interval = batch_plan()
        pending = Recipient.objects.filter(
            campaign=campaign, channel=Recipient.Channel.EMAIL, state=Recipient.State.PENDING
        )
        batch = list(
            pending.select_for_update(skip_locked=True, of=("self",)).select_related("policyholder").order_by("id")[
                :size
            ]
        )
        for recipient in batch:
            recipient.email = outgoing_email_queue(
                kind=OutgoingEmail.Kind.NOTICE_CHANGE, policyholder=recipient.policyholder,
                notice_version=campaign.notice_version, campaign_id=campaign.pk,
            )
            recipient.state = Recipient.State.HANDED
        Recipient.objects.bulk_update(batch, ["email", "state"])
        if pending.exists():
            enqueue_batch(campaign, at=now + interval)
        else:
            campaign.status, campaign.finished_at, campaign.next_batch_at = Campaign.Status.FINISHED, now, None
            campaign.save(update_fields=["status", "finished_at", "next_batch_at"])
    return len(batch)


def postal_records_write(*, download_id: int) -> int:
    """The notice records of a postal list's recipients (informed by post, by the staff member who downloaded
    it), in chunks of their own transaction each, so that a killed worker's successor goes on from there.
    Returns how many were written."""
    download = PostalDownload.objects.select_related("campaign__notice_version", "downloaded_by").get(pk=download_id)
    campaign = download.campaign
    written = 0
    while True:
        with transaction.atomic():
            chunk = list(
                Recipient.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(campaign=campaign, channel=Recipient.Channel.POST, state=Recipient.State.PENDING)
                .select_related("policyholder")
                .order_by("id")[:POSTAL_CHUNK]
            )
            for recipient in chunk:
                notice_record_append(
                    policyholder=recipient.policyholder, notice_version=campaign.notice_version,
                    kind=NoticeRecord.Kind.INFORMED_POST, source=NoticeRecord.Source.STAFF,
                    actor=download.downloaded_by, campaign_id=campaign.pk,
                )
                recipient.state = Recipient.State.INFORMED
            Recipient.objects.bulk_update(chunk, ["state"])
        if not chunk:
            return written
        written += len(chunk)


def _waiting(task_id: str) -> bool:
    if not task_id:
        return False
    for waiting_task in (campaign_send_batch, campaign_recipients_select):
        try:
            return waiting_task.get_result(task_id).status == TaskResultStatus.READY
        except TaskResultDoesNotExist:
            continue
    return False


def campaigns_resume_lost() -> int:
    """Enqueue again the selection or the batch of every sending campaign whose task is gone (its worker was
    killed while it ran, or its record was lost): due a while ago and no task waiting. Returns how many."""
    resumed = 0
    due = timezone.now() - LOST_AFTER
    with transaction.atomic():
        for campaign in Campaign.objects.select_for_update(skip_locked=True).filter(
            status=Campaign.Status.SENDING, next_batch_at__lte=due
        ):
            if _waiting(campaign.batch_task_id):
                continue
            if campaign.recipients_selected_at is None:
                enqueue_select(campaign)
            else:
                enqueue_batch(campaign, at=timezone.now())
            resumed += 1
    if resumed:
        logger.warning("Enqueued again the work of %s campaigns whose worker stopped", resumed)
    return resumed
