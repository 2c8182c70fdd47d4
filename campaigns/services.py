"""What staff do to a campaign: prepare it (編集者), start, stop and resume it (承認者, never its preparer),
download its postal list. Each is one transaction; the work itself is queued for the workers
(campaigns/sending.py) in that transaction."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from consents.emails import notice_change_summary
from core.dates import today_in_tokyo, wareki
from notices.models import NoticeVersion
from notices.rules import APPI_27_6

from .models import Campaign, PostalDownload, Recipient
from .sending import enqueue_postal_records

START_PERMISSION = "campaigns.start_campaign"
PREPARE_PERMISSION = "campaigns.add_campaign"


def eligible_problems(version: NoticeVersion, *, today: datetime.date | None = None) -> list[str]:
    """Why `version` cannot have a campaign; empty when it can: a published joint-use version, announced
    (its effective date still ahead), that changes the purposes, the responsible party, the data items or
    the joint users of the version it revises."""
    today = today or today_in_tokyo()
    problems = []
    if not version.is_published or not version.notice.is_joint_use:
        problems.append(_("Only a published version of a joint-use notice can be announced to customers."))
    elif version.effective_date <= today:
        problems.append(_(
            "%(law)s, customers are told before a change takes effect; this version took effect on %(date)s."
        ) % {"law": APPI_27_6, "date": wareki(version.effective_date)})
    else:
        changes = notice_change_summary(version)["changes"]
        if not (changes.purposes or changes.responsible_party or changes.data_items or changes.joint_users):
            problems.append(_(
                "This version changes neither the purposes, the responsible party, the data items nor the joint "
                "users: there is nothing customers must be told of."
            ))
    return problems


def eligible_versions(*, today: datetime.date | None = None) -> list[NoticeVersion]:
    """Announced joint-use versions that need a campaign and have none yet, soonest first."""
    today = today or today_in_tokyo()
    versions = (
        NoticeVersion.objects.joint_use().announced(today=today).filter(campaign__isnull=True).select_related("notice")
    )
    return [version for version in versions if not eligible_problems(version, today=today)]


@transaction.atomic
def campaign_prepare(
    *, user, notice_version: NoticeVersion, by_email: bool, by_post: bool, campaign: Campaign | None = None
) -> Campaign:
    """A new campaign, or new channels for one not started yet; either way `user` is its preparer."""
    if not user.has_perm(PREPARE_PERMISSION):
        raise PermissionDenied
    if not (by_email or by_post):
        raise ValidationError(_("Choose email, post or both."), code="channels")
    now = timezone.now()
    if campaign is not None:
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if not campaign.is_prepared:
            raise ValidationError(_("This campaign has started; it can no longer be changed."), code="started")
        if campaign.notice_version_id != notice_version.pk:
            raise ValidationError(_("A campaign's version cannot be changed; prepare another."), code="version")
    else:
        problems = eligible_problems(notice_version)
        if problems:
            raise ValidationError(problems, code="version")
        if Campaign.objects.filter(notice_version=notice_version).exists():
            raise ValidationError(_("This version has a campaign already."), code="version")
        campaign = Campaign(notice_version=notice_version)
    campaign.by_email, campaign.by_post = by_email, by_post
    campaign.prepared_by, campaign.prepared_at = user, now
    campaign.save()
    return campaign


@transaction.atomic
def campaign_start(*, campaign: Campaign, user) -> Campaign:
    """An approver other than its preparer starts a prepared campaign: a worker selects every recipient
    and the batches follow (campaigns/sending.py)."""
    if not user.has_perm(START_PERMISSION):
        raise PermissionDenied
    campaign = Campaign.objects.select_for_update().select_related("notice_version__notice").get(pk=campaign.pk)
    if not campaign.is_prepared:
        raise ValidationError(_("This campaign has started already."), code="started")
    if campaign.prepared_by_id == user.pk:
        raise ValidationError(
            _("You prepared this campaign; another person must start it (two-person rule)."), code="two_person"
        )
    problems = eligible_problems(campaign.notice_version)
    if problems:
        raise ValidationError(problems, code="version")
    campaign.status = Campaign.Status.SENDING
    campaign.started_by, campaign.started_at = user, timezone.now()
    campaign.next_attempt_at = campaign.started_at
    campaign.save(update_fields=["status", "started_by", "started_at", "next_attempt_at"])
    return campaign


@transaction.atomic
def campaign_stop(*, campaign: Campaign, user) -> Campaign:
    """No further batch: emails already handed to the outbox still go, nobody else is emailed until it
    is resumed."""
    if not user.has_perm(START_PERMISSION):
        raise PermissionDenied
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status != Campaign.Status.SENDING:
        raise ValidationError(_("Only a campaign that is sending can be stopped."), code="status")
    campaign.status, campaign.stopped_by, campaign.stopped_at = Campaign.Status.STOPPED, user, timezone.now()
    campaign.save(update_fields=["status", "stopped_by", "stopped_at"])
    return campaign


@transaction.atomic
def campaign_resume(*, campaign: Campaign, user) -> Campaign:
    """Go on from where it stopped: only the recipients still waiting get an email."""
    if not user.has_perm(START_PERMISSION):
        raise PermissionDenied
    campaign = Campaign.objects.select_for_update().select_related("notice_version__notice").get(pk=campaign.pk)
    if campaign.status != Campaign.Status.STOPPED:
        raise ValidationError(_("Only a stopped campaign can be resumed."), code="status")
    if not campaign.notice_version.is_published:
        raise ValidationError(_("The version was withdrawn: this campaign cannot go on."), code="withdrawn")
    campaign.status, campaign.next_attempt_at = Campaign.Status.SENDING, timezone.now()
    campaign.save(update_fields=["status", "next_attempt_at"])
    return campaign


# ---------------------------------------------------------------------------------------------------------
# The postal list


@transaction.atomic
def postal_download_record(*, campaign: Campaign, user, encoding: str) -> PostalDownload:
    """Record who downloads the postal list and when, and the notice records of its recipients (informed by
    post, once each: a second download records the download only)."""
    if not user.has_perm("campaigns.download_postal_list"):
        raise PermissionDenied
    if encoding not in PostalDownload.Encoding.values:
        raise ValidationError(_("Choose Shift_JIS (CP932) or UTF-8."), code="encoding")
    campaign = Campaign.objects.select_for_update().select_related("notice_version").get(pk=campaign.pk)
    if campaign.is_prepared or campaign.recipients_selected_at is None:
        raise ValidationError(_("The postal list is ready once the campaign has started and its recipients are "
                                "selected."), code="not_ready")
    if not campaign.by_post:
        raise ValidationError(_("This campaign does not send by post."), code="no_post")
    rows = Recipient.objects.filter(campaign=campaign, channel=Recipient.Channel.POST).count()
    download = PostalDownload.objects.create(
        campaign=campaign, downloaded_by=user, downloaded_at=timezone.now(), encoding=encoding, rows=rows
    )
    waiting = Recipient.objects.filter(
        campaign=campaign, channel=Recipient.Channel.POST, state=Recipient.State.PENDING
    ).exists()
    if waiting:
        enqueue_postal_records(download)
    return download
