"""A started campaign's work, in the workers: select every recipient, hand the emails to the outbox in batches
at CAMPAIGN_EMAILS_PER_MINUTE, and record the postal notices.

A sending campaign is itself the job (core/jobs.py): due when its next batch is (`next_attempt_at`), claimed
with its row locked, so two batches of one campaign never run at once, and taken again by the next pass if
its worker dies. Nothing here emails anyone twice, whatever stops when:
- each policyholder is a recipient of a campaign once (a unique constraint; the selection is one
  INSERT … SELECT … ON CONFLICT DO NOTHING, so running it again adds nobody);
- a recipient moves from pending to handed in the transaction that queues its one OutgoingEmail, holding
  its row; a worker killed mid-batch rolls the whole batch back, and the next pass takes those rows again;
- the outbox sends each OutgoingEmail once and records the notice as given in the transaction that marks it
  sent (campaigns/emails.py).
"""

import datetime
import logging
import math

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone
from django_tasks import task

from consents.models import NoticeRecord
from consents.services import notice_record_append
from core.dbtimeouts import lift_statement_timeout
from core.jobs import job_register
from customers.models import Policyholder
from outbox.sending import outgoing_email_queue

from .emails import NOTICE_CHANGE
from .models import Campaign, PostalDownload, Recipient

logger = logging.getLogger(__name__)

POSTAL_CHUNK = 500


def batch_plan() -> tuple[int, datetime.timedelta]:
    """(emails per batch, time between batches) for CAMPAIGN_EMAILS_PER_MINUTE: a batch every
    CAMPAIGN_BATCH_SECONDS, or less often when the rate is below one email per batch."""
    rate = settings.CAMPAIGN_EMAILS_PER_MINUTE
    seconds = max(settings.CAMPAIGN_BATCH_SECONDS, math.ceil(60 / rate))
    return max(1, rate * seconds // 60), datetime.timedelta(seconds=seconds)


def enqueue_postal_records(download: PostalDownload) -> None:
    campaign_postal_records.enqueue(download.pk)


@task(priority=-5)
def campaign_postal_records(download_id: int) -> int:
    return postal_records_write(download_id=download_id)


def campaign_work(campaign: Campaign) -> None:
    """The campaign's next step, run by a worker with its row locked: its recipients first, then a batch."""
    if not campaign.notice_version.is_published:
        # Withdrawn meanwhile: telling customers of it would mislead them.
        campaign.status, campaign.stopped_at, campaign.next_attempt_at = Campaign.Status.STOPPED, timezone.now(), None
        campaign.save(update_fields=["status", "stopped_at", "next_attempt_at", "attempts"])
        logger.warning("Campaign %s stopped: its notice version was withdrawn", campaign.pk)
    elif campaign.recipients_selected_at is None:
        recipients_select(campaign)
    else:
        send_batch(campaign)


def _recipients_insert(campaign: Campaign) -> dict[str, int]:
    """Every policyholder not yet a recipient of the campaign, added with the channel that reaches them, in one
    INSERT … SELECT (a million rows without one of them passing through Python; running it again adds only
    those who are new). Returns the campaign's recipients by channel, and sets its counts."""
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
    return counts


def recipients_select(campaign: Campaign) -> int:
    """Every policyholder as a recipient of the campaign, with the channel that reaches them; the first batch is
    due at once. Returns the number of recipients."""
    with transaction.atomic():
        counts = _recipients_insert(campaign)
        campaign.recipients_selected_at = campaign.next_attempt_at = timezone.now()
        campaign.attempts = 0  # a step that ran starts the count of failures afresh
        campaign.save(update_fields=[
            "email_recipients", "post_recipients", "unreachable", "recipients_selected_at", "next_attempt_at",
            "attempts",
        ])
    logger.info("Campaign %s: %s recipients selected (%s by email, %s by post, %s unreachable)", campaign.pk,
                sum(counts.values()), campaign.email_recipients, campaign.post_recipients, campaign.unreachable)
    return sum(counts.values())


# A started campaign whose version is still ahead takes in the policyholders who joined since.
NEWCOMER_STATUSES = (Campaign.Status.SENDING, Campaign.Status.FINISHED, Campaign.Status.STOPPED, Campaign.Status.FAILED)


def newcomers_add(*, campaign_id: int, today: datetime.date | None = None) -> int:
    """Policyholders imported (or added in the admin) after the campaign's recipients were selected, added as
    recipients while its version is still ahead: they too must be told before it takes effect, and asked where
    consent is the ground. A finished campaign with new email recipients sends again; a stopped one keeps them
    waiting until it is resumed; by post they join the next download of the postal list. Returns how many were
    added."""
    today = today or timezone.localdate()
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().select_related("notice_version").get(pk=campaign_id)
        version = campaign.notice_version
        if (
            campaign.status not in NEWCOMER_STATUSES or campaign.recipients_selected_at is None
            or not version.is_published or version.effective_date <= today
        ):
            return 0
        before = campaign.email_recipients + campaign.post_recipients + campaign.unreachable
        added = sum(_recipients_insert(campaign).values()) - before
        fields = ["email_recipients", "post_recipients", "unreachable"]
        waiting = Recipient.objects.filter(
            campaign=campaign, channel=Recipient.Channel.EMAIL, state=Recipient.State.PENDING
        ).exists()
        if campaign.status == Campaign.Status.FINISHED and waiting:
            campaign.status, campaign.finished_at, campaign.next_attempt_at = (
                Campaign.Status.SENDING, None, timezone.now()
            )
            fields += ["status", "finished_at", "next_attempt_at"]
        campaign.save(update_fields=fields)
    if added:
        logger.info("Campaign %s: %s policyholders added since its start", campaign_id, added)
    return added


def newcomers_add_all(*, today: datetime.date | None = None) -> int:
    """newcomers_add for every started campaign of a version still ahead."""
    today = today or timezone.localdate()
    ids = Campaign.objects.filter(
        status__in=NEWCOMER_STATUSES, recipients_selected_at__isnull=False, notice_version__effective_date__gt=today,
    ).values_list("pk", flat=True)
    return sum(newcomers_add(campaign_id=pk, today=today) for pk in list(ids))


def send_batch(campaign: Campaign) -> int:
    """Hand the next batch of the campaign's email recipients to the outbox, one OutgoingEmail each, and make
    the batch after it due. Returns how many were handed."""
    now = timezone.now()
    size, interval = batch_plan()
    pending = Recipient.objects.filter(
        campaign=campaign, channel=Recipient.Channel.EMAIL, state=Recipient.State.PENDING
    )
    batch = list(
        pending.select_for_update(skip_locked=True, of=("self",)).select_related("policyholder").order_by("id")[:size]
    )
    for recipient in batch:
        recipient.email = outgoing_email_queue(kind=NOTICE_CHANGE, policyholder=recipient.policyholder)
        recipient.state = Recipient.State.HANDED
    Recipient.objects.bulk_update(batch, ["email", "state"])
    campaign.attempts = 0  # a step that ran starts the count of failures afresh
    if pending.exists():
        campaign.next_attempt_at = now + interval
    else:
        campaign.status, campaign.finished_at, campaign.next_attempt_at = Campaign.Status.FINISHED, now, None
    campaign.save(update_fields=["status", "finished_at", "next_attempt_at", "attempts"])
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


CAMPAIGNS = job_register(
    "notice campaign", Campaign, campaign_work, waiting=Campaign.Status.SENDING, given_up=Campaign.Status.FAILED,
    select_related=("notice_version",),
)
