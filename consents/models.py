from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from customers.models import Policyholder
from notices.models import Company, NoticeVersion
from outbox.models import OutgoingEmail


class Channel(models.Model):
    class Code(models.TextChoices):
        WEB_ADS = "web_ads", _("Web ads")
        DIRECT_MAIL = "direct_mail", _("Direct mail")
        EMAIL = "email", _("Email newsletters")
        PHONE = "phone", _("Phone")

    code = models.CharField(_("code"), max_length=20, choices=Code.choices, unique=True)
    name = models.CharField(_("channel name"), max_length=100)
    default_allowed = models.BooleanField(
        _("allowed until the customer says otherwise"),
        help_text=_(
            "Marketing email needs prior opt-in under the Act on Specified Electronic Mail, "
            "so email is never allowed by default."
        ),
    )
    display_order = models.PositiveIntegerField(_("display order"), default=0)

    class Meta:
        verbose_name = _("channel")
        verbose_name_plural = _("channels")
        ordering = ["display_order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(code="email", default_allowed=True), name="channel_email_is_opt_in"
            ),
        ]

    def __str__(self):
        return self.name


class Source(models.TextChoices):
    PORTAL = "portal", _("Preference center")
    STAFF = "staff", _("Staff on the customer's behalf")
    UNSUBSCRIBE = "unsubscribe", _("One-click unsubscribe")
    API = "api", _("API")
    # A request to stop marketing made through the request desk; the reason is the request's number.
    REQUEST = "request", _("Request to stop marketing")


class Receipt(models.Model):
    """One accepted request to change preferences (受付), whatever number of cells it changed."""

    number = models.CharField(_("receipt number"), max_length=20, unique=True)
    # Found through receipt_idempotency_key_unique (policyholder first): no index of its own to write.
    policyholder = models.ForeignKey(Policyholder, on_delete=models.PROTECT, related_name="receipts", db_index=False)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    idempotency_key = models.CharField(_("idempotency key"), max_length=64)
    created_at = models.DateTimeField(_("received at"))
    # The email that tells the customer of the change; none when they have no address.
    email = models.OneToOneField(
        OutgoingEmail, verbose_name=_("email"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="receipt",
    )

    class Meta:
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")
        ordering = ["-created_at"]
        constraints = [
            # A repeated submission (double click, retry) finds the first one instead of changing twice.
            models.UniqueConstraint(fields=["policyholder", "idempotency_key"], name="receipt_idempotency_key_unique"),
        ]

    def __str__(self):
        return self.number


class Preference(models.Model):
    """The current choice for one cell; where there is none the channel's default applies."""

    # Both found through an index that starts with them (preference_one_per_cell, preference_export_idx):
    # every save writes this table's indexes, so there are no others.
    policyholder = models.ForeignKey(
        Policyholder, on_delete=models.CASCADE, related_name="preferences", db_index=False
    )
    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.PROTECT, related_name="+", db_index=False
    )
    channel = models.ForeignKey(Channel, verbose_name=_("channel"), on_delete=models.PROTECT, related_name="+")
    allowed = models.BooleanField(_("allowed"))
    last_event = models.ForeignKey(
        "ConsentEvent", verbose_name=_("decided by"), on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("preference")
        verbose_name_plural = _("preferences")
        ordering = ["policyholder", "company__display_order", "channel__display_order"]
        permissions = [
            ("record_preference_change", _("Can record a preference change on the customer's behalf")),
        ]
        constraints = [
            models.UniqueConstraint(fields=["policyholder", "company", "channel"], name="preference_one_per_cell"),
        ]
        indexes = [
            # The do-not-contact export: everyone who said no to one company and channel.
            models.Index(fields=["company", "channel", "allowed"], name="preference_export_idx"),
        ]

    def __str__(self):
        return f"{self.policyholder_id}/{self.company_id}/{self.channel_id}={self.allowed}"


class ConsentEvent(models.Model):
    """Append-only: one row per changed cell. `hash` chains each policyholder's events together."""

    # Both found through an index that starts with them (consentevent_chain_idx, consentevent_since_idx):
    # every save writes this table's indexes, so there are no others.
    policyholder = models.ForeignKey(Policyholder, on_delete=models.PROTECT, related_name="events", db_index=False)
    receipt = models.ForeignKey(Receipt, verbose_name=_("receipt"), on_delete=models.PROTECT, related_name="events")
    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.PROTECT, related_name="+", db_index=False
    )
    channel = models.ForeignKey(Channel, verbose_name=_("channel"), on_delete=models.PROTECT, related_name="+")
    old_value = models.BooleanField(_("before"))
    new_value = models.BooleanField(_("after"))
    created_at = models.DateTimeField(_("changed at"))
    notice_version = models.ForeignKey(
        NoticeVersion,
        verbose_name=_("notice version in force"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff member"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=300, blank=True)
    idempotency_key = models.CharField(_("idempotency key"), max_length=64)
    previous_hash = models.CharField(_("hash of the previous event"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64, unique=True)
    # The id of the CONSENT_CHAIN_KEY that keyed `hash`; empty for events written before keyed hashes.
    key_id = models.CharField(_("hash key id"), max_length=20, blank=True, default="")

    class Meta:
        verbose_name = _("consent event")
        verbose_name_plural = _("consent events")
        ordering = ["-id"]
        indexes = [
            # The do-not-contact export with a `since` cursor: changes to one company and channel after an id.
            models.Index(fields=["company", "channel", "id"], name="consentevent_since_idx"),
            # A policyholder's history, newest first, and the chain walk.
            models.Index(fields=["policyholder", "id"], name="consentevent_chain_idx"),
        ]

    def __str__(self):
        return f"#{self.pk}"


class NoticeRecord(models.Model):
    """Append-only evidence of a policyholder and one notice version: told of it (by email or by post), or
    their answer where the version needs their consent. `hash` chains each policyholder's records together,
    keyed like the consent events (consents/chain.py), in a chain of its own."""

    class Kind(models.TextChoices):
        INFORMED_EMAIL = "informed_email", _("Informed by email")
        INFORMED_POST = "informed_post", _("Informed by post")
        CONSENTED = "consented", _("Consented")
        DECLINED = "declined", _("Declined")

    class Source(models.TextChoices):
        CAMPAIGN = "campaign", _("Notice campaign")
        PORTAL = "portal", _("Preference center")
        STAFF = "staff", _("Staff on the customer's behalf")

    INFORMED = (Kind.INFORMED_EMAIL, Kind.INFORMED_POST)
    ANSWERS = (Kind.CONSENTED, Kind.DECLINED)

    policyholder = models.ForeignKey(
        Policyholder, verbose_name=_("policyholder"), on_delete=models.PROTECT, related_name="notice_records"
    )
    notice_version = models.ForeignKey(
        NoticeVersion, verbose_name=_("notice version"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    # The campaign that informed the customer. A plain number, not a foreign key: campaigns sit above this
    # app, and the evidence must outlive anything done to a campaign's rows.
    campaign_id = models.PositiveIntegerField(_("campaign number"), null=True, blank=True)
    created_at = models.DateTimeField(_("recorded at"))
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff member"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=300, blank=True)
    idempotency_key = models.CharField(_("idempotency key"), max_length=64, blank=True)
    # An answer's number, as a receipt's (20261206-1A2B3C4D): what the customer's page, the email and the history
    # give, and what a customer quotes to staff. Empty for being told of a version, and for answers recorded
    # before answers had numbers.
    number = models.CharField(_("record number"), max_length=20, blank=True, default="")
    # The email that confirms an answer to the customer; none for the other records and without an address.
    email = models.OneToOneField(
        OutgoingEmail, verbose_name=_("email"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="notice_record",
    )
    previous_hash = models.CharField(_("hash of the previous record"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64, unique=True)
    key_id = models.CharField(_("hash key id"), max_length=20)

    class Meta:
        verbose_name = _("notice record")
        verbose_name_plural = _("notice records")
        ordering = ["-id"]
        constraints = [
            # Told once per version and channel: a second sending or download finds the first record.
            models.UniqueConstraint(
                fields=["policyholder", "notice_version", "kind"],
                condition=models.Q(kind__in=["informed_email", "informed_post"]),
                name="noticerecord_informed_once",
            ),
            # A repeated answer (double click, retry) finds the first one.
            models.UniqueConstraint(
                fields=["policyholder", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="noticerecord_idempotency_key_unique",
            ),
            # An answer's number names one answer.
            models.UniqueConstraint(
                fields=["number"], condition=~models.Q(number=""), name="noticerecord_number_unique"
            ),
            # Always keyed: there are no records from before keyed hashes.
            models.CheckConstraint(condition=~models.Q(key_id=""), name="noticerecord_keyed"),
        ]
        indexes = [
            # A policyholder's records, newest first, and the chain walk.
            models.Index(fields=["policyholder", "id"], name="noticerecord_chain_idx"),
            # Who was told of or answered one version (campaign progress, answer reports).
            models.Index(fields=["notice_version", "kind"], name="noticerecord_version_idx"),
        ]

    def __str__(self):
        return f"#{self.pk}"
