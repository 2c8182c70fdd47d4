"""A campaign tells every policyholder of an announced change to the joint-use notice, before it takes
effect: by email to those with an address, by post (a file for the print vendor) to the others."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.jobs import JobFields
from customers.models import Policyholder
from notices.models import NoticeVersion
from outbox.models import OutgoingEmail


class Campaign(JobFields, models.Model):
    """A sending campaign is a job of the workers (campaigns/sending.py): `next_attempt_at` is when its next
    batch is due."""

    class Status(models.TextChoices):
        PREPARED = "prepared", _("Prepared, not started")
        SENDING = "sending", _("Sending")
        STOPPED = "stopped", _("Stopped")
        FINISHED = "finished", _("Every email handed to the outbox")
        FAILED = "failed", _("Stopped after repeated errors")

    notice_version = models.OneToOneField(
        NoticeVersion, verbose_name=_("notice version"), on_delete=models.PROTECT, related_name="campaign"
    )
    by_email = models.BooleanField(_("by email"), default=True, help_text=_("To every customer with an email address."))
    by_post = models.BooleanField(
        _("by post"), default=True,
        help_text=_("To every customer with a postal address and no email address (or all of them without email)."),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PREPARED)
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("prepared by"), on_delete=models.PROTECT, related_name="+"
    )
    prepared_at = models.DateTimeField(_("prepared at"))
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("started by"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    stopped_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("last stopped by"), on_delete=models.PROTECT, null=True,
        blank=True, related_name="+",
    )
    stopped_at = models.DateTimeField(_("last stopped at"), null=True, blank=True)
    # Set by the worker once every recipient has its row (one INSERT … SELECT).
    recipients_selected_at = models.DateTimeField(_("recipients selected at"), null=True, blank=True)
    email_recipients = models.PositiveIntegerField(_("recipients by email"), default=0)
    post_recipients = models.PositiveIntegerField(_("recipients by post"), default=0)
    unreachable = models.PositiveIntegerField(_("customers with no address for the chosen channels"), default=0)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notice campaign")
        verbose_name_plural = _("notice campaigns")
        ordering = ["-prepared_at", "-id"]
        permissions = [
            ("start_campaign", _("Can start, stop and resume a notice campaign")),
            ("download_postal_list", _("Can download a campaign's postal list")),
            ("retry_campaign", _("Can resume a campaign stopped after repeated errors")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(by_email=True) | models.Q(by_post=True), name="campaign_has_a_channel"
            ),
            # The two-person rule, below the ORM too: who prepared a campaign never starts it.
            models.CheckConstraint(
                condition=models.Q(started_by__isnull=True) | ~models.Q(started_by=models.F("prepared_by")),
                name="campaign_started_by_another_person",
            ),
            models.CheckConstraint(
                condition=models.Q(status="prepared") | models.Q(started_by__isnull=False, started_at__isnull=False),
                name="campaign_started_says_who_when",
            ),
        ]
        indexes = [
            # The periodic resume job: campaigns still sending.
            models.Index(fields=["status"], name="campaign_status_idx"),
        ]

    def __str__(self):
        return str(self.notice_version)

    def get_absolute_url(self):
        return reverse("admin:campaigns_campaign_change", args=[self.pk])

    @property
    def is_prepared(self) -> bool:
        return self.status == self.Status.PREPARED


class Recipient(models.Model):
    """One policyholder of a campaign, with the channel chosen at the start. Its state moves forward only,
    under a row lock: pending → handed (its email is in the outbox) or, by post, pending → informed (the
    postal list was downloaded and the notice record written). The unique constraint and those moves are
    what keep a crash or a second worker from emailing anyone twice."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("Email")
        POST = "post", _("Post")
        NONE = "none", _("No address")

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for its batch")
        HANDED = "handed", _("Email handed to the outbox")
        INFORMED = "informed", _("Postal notice recorded")

    campaign = models.ForeignKey(Campaign, verbose_name=_("campaign"), on_delete=models.PROTECT,
                                 related_name="recipients")
    policyholder = models.ForeignKey(Policyholder, verbose_name=_("policyholder"), on_delete=models.CASCADE,
                                     related_name="+")
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    email = models.OneToOneField(
        OutgoingEmail, verbose_name=_("outgoing email"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="campaign_recipient",
    )

    class Meta:
        verbose_name = _("campaign recipient")
        verbose_name_plural = _("campaign recipients")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "policyholder"], name="recipient_once_per_campaign"),
            models.CheckConstraint(
                condition=~models.Q(state="handed") | models.Q(channel="email", email__isnull=False),
                name="recipient_handed_has_email",
            ),
        ]
        indexes = [
            # The next batch: a campaign's pending recipients of one channel, in id order.
            models.Index(fields=["campaign", "channel", "state", "id"], name="recipient_batch_idx"),
        ]

    def __str__(self):
        return f"{self.campaign_id}/{self.policyholder_id}"


class PostalDownload(models.Model):
    """Who downloaded a campaign's postal list, when, in which encoding and how many rows: the hand-off
    to the print vendor."""

    class Encoding(models.TextChoices):
        CP932 = "cp932", _("Shift_JIS (CP932)")
        UTF8 = "utf-8", _("UTF-8 with BOM")

    campaign = models.ForeignKey(Campaign, verbose_name=_("campaign"), on_delete=models.PROTECT,
                                 related_name="postal_downloads")
    downloaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("staff member who downloaded it"), on_delete=models.PROTECT,
        related_name="+",
    )
    downloaded_at = models.DateTimeField(_("downloaded at"))
    encoding = models.CharField(_("encoding"), max_length=10, choices=Encoding.choices)
    rows = models.PositiveIntegerField(_("rows"))

    class Meta:
        verbose_name = _("postal list download")
        verbose_name_plural = _("postal list downloads")
        ordering = ["-downloaded_at", "-id"]

    def __str__(self):
        return f"{self.campaign_id} {self.downloaded_at:%Y-%m-%d %H:%M}"
