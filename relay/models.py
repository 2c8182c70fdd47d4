"""The portal's exchange with the group's other systems: changes said elsewhere that reach the portal
(InboundChange), and the systems told of every change (WebhookSubscriber, WebhookDelivery)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from consents.models import Capture, Channel, ConsentEvent, Suppression
from core.jobs import JobFields
from customers.models import Policyholder
from notices.models import Company
from outbox.models import OutgoingEmail


class InboundChange(models.Model):
    """One change the customer made outside the portal, as it arrived (by the API, a CSV file or a 顧客対応 in the
    admin): what was said, when and through what, with its proof, and what it became (a consent event, applied or
    kept as evidence, or a suppression). The sender's key makes a repeat find the first."""

    class Origin(models.TextChoices):
        API = "api", _("API")
        IMPORT = "import", _("CSV import")
        STAFF = "staff", _("Staff in the admin")

    class Status(models.TextChoices):
        APPLIED = "applied", _("Applied")
        SUPERSEDED = "superseded", _("Kept as evidence (a later interaction decides)")
        SUPPRESSED = "suppressed", _("Suppression placed")

    origin = models.CharField(_("arrived by"), max_length=10, choices=Origin.choices)
    # The API client that sent it (null for a file or the admin); the key is unique per sender.
    sender = models.CharField(_("sender"), max_length=30)
    key = models.CharField(_("sender's key"), max_length=64)
    fingerprint = models.CharField(_("fingerprint of what was sent"), max_length=64)
    policyholder = models.ForeignKey(
        Policyholder, verbose_name=_("policyholder"), on_delete=models.PROTECT, related_name="inbound_changes",
    )
    company = models.ForeignKey(Company, verbose_name=_("company"), on_delete=models.PROTECT, related_name="+")
    channel = models.ForeignKey(
        Channel, verbose_name=_("channel"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    allowed = models.BooleanField(_("allowed"), null=True, blank=True)
    suppression_kind = models.CharField(_("suppression"), max_length=20, choices=Suppression.Kind.choices, blank=True)
    occurred_at = models.DateTimeField(_("said by the customer at"))
    capture = models.CharField(_("said through"), max_length=20, choices=Capture.choices)
    operator = models.CharField(_("operator or system"), max_length=100, blank=True)
    evidence = models.CharField(_("evidence reference"), max_length=200, blank=True)
    # The uploaded scan's name in INBOUND_SCAN_DIR (relay.inbound.scan_storage); the chain records its SHA-256.
    scan = models.CharField(_("scan"), max_length=100, blank=True)
    received_at = models.DateTimeField(_("received at"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("staff member"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    status = models.CharField(_("result"), max_length=20, choices=Status.choices)
    event = models.OneToOneField(
        ConsentEvent, verbose_name=_("consent event"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="inbound",
    )
    suppression = models.ForeignKey(
        Suppression, verbose_name=_("suppression"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("inbound change")
        verbose_name_plural = _("inbound changes")
        ordering = ["-id"]
        constraints = [
            # A repeat (a retry, a file imported twice) finds the first instead of recording twice.
            models.UniqueConstraint(fields=["sender", "key"], name="inboundchange_sender_key_unique"),
            models.CheckConstraint(
                condition=models.Q(allowed__isnull=False, suppression_kind="")
                | models.Q(allowed__isnull=True) & ~models.Q(suppression_kind=""),
                name="inboundchange_preference_or_suppression",
            ),
        ]
        permissions = [("import_inboundchange", _("Can import inbound changes from a CSV file"))]

    def __str__(self):
        return f"{self.sender}:{self.key}"


class WebhookSubscriber(models.Model):
    """A group system told of every change (preferences, suppressions, consent answers) of the companies and
    channels it wants, by a signed POST to its URL."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    url = models.URLField(_("URL"), max_length=500)
    companies = models.ManyToManyField(Company, verbose_name=_("companies"), related_name="+")
    channels = models.ManyToManyField(Channel, verbose_name=_("channels"), related_name="+")
    # The signing secret ("whsec_" and base64): shown once when issued, kept to sign.
    secret = models.CharField(_("signing secret"), max_length=100, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="+",
        help_text=_("The staff member emailed when the subscriber keeps failing."),
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # Since when every delivery has failed (null while deliveries succeed), and the email that said so.
    failing_since = models.DateTimeField(_("failing since"), null=True, blank=True, editable=False)
    failing_email = models.OneToOneField(
        OutgoingEmail, verbose_name=_("failure email"), on_delete=models.SET_NULL, null=True, blank=True,
        editable=False, related_name="webhook_subscriber",
    )

    class Meta:
        verbose_name = _("webhook subscriber")
        verbose_name_plural = _("webhook subscribers")
        ordering = ["name"]

    def __str__(self):
        return self.name


class WebhookDelivery(JobFields, models.Model):
    """One event for one subscriber: the row is the job (core/jobs.py) the workers run to POST it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be delivered")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed (kept for replay)")

    subscriber = models.ForeignKey(
        WebhookSubscriber, verbose_name=_("subscriber"), on_delete=models.CASCADE, related_name="deliveries"
    )
    policyholder = models.ForeignKey(
        Policyholder, verbose_name=_("policyholder"), on_delete=models.CASCADE, related_name="+", db_index=False
    )
    # The event's id: "ce_<consent event id>" (the export cursor's position), "su_<id>" or "nr_<id>".
    event_id = models.CharField(_("event id"), max_length=40)
    event_type = models.CharField(_("event type"), max_length=40)
    payload = models.JSONField(_("payload"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(_("created at"))
    first_attempt_at = models.DateTimeField(_("first attempt at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(_("last HTTP status"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["subscriber", "event_id"], name="webhookdelivery_once_per_event"),
        ]
        indexes = [
            # The workers' pick: deliveries waiting and due, oldest first.
            models.Index(fields=["status", "next_attempt_at"], name="webhookdelivery_due_idx"),
            # Order per customer: an earlier delivery to the same subscriber for the same customer still waiting.
            models.Index(fields=["subscriber", "policyholder", "status", "id"], name="webhookdelivery_order_idx"),
        ]
        permissions = [("retry_webhookdelivery", _("Can replay a failed webhook delivery"))]

    def __str__(self):
        return f"{self.subscriber_id}/{self.event_id}"
