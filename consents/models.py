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
    # Rows of a CSV file a member of staff imported in the admin (an email platform's unsubscribes, scanned cards).
    IMPORT = "import", _("CSV import")


class Capture(models.TextChoices):
    """Where the customer said it, when the change was made outside the portal and reached it later."""

    CALL_CENTER = "call_center", _("Call center")
    AGENCY = "agency", _("Agency (代理店)")
    PAPER = "paper", _("Paper form")
    EMAIL_PLATFORM = "email_platform", _("Email platform")
    SMS = "sms", _("SMS")
    BRANCH = "branch", _("Branch")


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
    # A change the customer made elsewhere (a call, a paper card, an email platform) and that reached the portal
    # later: when they said it, through what, who keyed it in, and the proof. Empty for changes made here.
    occurred_at = models.DateTimeField(_("said by the customer at"), null=True, blank=True)
    # Defaults in the database too: bulk loaders that COPY events without these columns stay valid.
    capture = models.CharField(
        _("said through"), max_length=20, choices=Capture.choices, blank=True, default="", db_default=""
    )
    operator = models.CharField(_("operator or system"), max_length=100, blank=True, default="", db_default="")
    evidence = models.CharField(_("evidence reference"), max_length=200, blank=True, default="", db_default="")
    # False: the customer said this before the cell's latest interaction, so it is kept as evidence only and
    # the cell was left as it was (the latest interaction wins, not the latest arrival).
    applied = models.BooleanField(_("applied to the preference"), default=True, db_default=True)
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


class Suppression(models.Model):
    """Append-only: a stop on contact that overrides the customer's preferences (a hard bounce, a complaint, a
    death, a litigation hold, the customer's own 全停止), placed or lifted. A placement applies until a lift row
    names it (`lifts`); only a 承認者 lifts, with a reason. `hash` chains each policyholder's rows together, keyed
    like the consent events, in a chain of its own."""

    class Kind(models.TextChoices):
        HARD_BOUNCE = "hard_bounce", _("Hard bounce")
        COMPLAINT = "complaint", _("Complaint (marked as spam)")
        DECEASED = "deceased", _("Deceased")
        LITIGATION_HOLD = "litigation_hold", _("Litigation hold")
        CUSTOMER_STOP = "customer_stop", _("The customer's own stop of all contact (全停止)")

    class Action(models.TextChoices):
        PLACE = "place", _("Placed")
        LIFT = "lift", _("Lifted")

    policyholder = models.ForeignKey(
        Policyholder, verbose_name=_("policyholder"), on_delete=models.PROTECT, related_name="suppressions",
        db_index=False,
    )
    action = models.CharField(_("action"), max_length=10, choices=Action.choices, default=Action.PLACE)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    # Null: every channel (every company). A bounce or a complaint stops email only.
    channel = models.ForeignKey(
        Channel, verbose_name=_("channel"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The email address that bounced or complained: the stop applies while the customer's address is this one.
    address = models.CharField(_("email address"), max_length=254, blank=True)
    reason = models.CharField(_("reason"), max_length=200)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    capture = models.CharField(_("said through"), max_length=20, choices=Capture.choices, blank=True)
    operator = models.CharField(_("operator or system"), max_length=100, blank=True)
    evidence = models.CharField(_("evidence reference"), max_length=200, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("staff member"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    occurred_at = models.DateTimeField(_("happened at"))
    created_at = models.DateTimeField(_("recorded at"))
    lifts = models.OneToOneField(
        "self", verbose_name=_("lifts"), on_delete=models.PROTECT, null=True, blank=True, related_name="lifted_by"
    )
    idempotency_key = models.CharField(_("idempotency key"), max_length=64, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=300, blank=True)
    previous_hash = models.CharField(_("hash of the previous record"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64, unique=True)
    key_id = models.CharField(_("hash key id"), max_length=20)

    class Meta:
        verbose_name = _("suppression")
        verbose_name_plural = _("suppressions")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(action="place", lifts__isnull=True) | models.Q(action="lift", lifts__isnull=False),
                name="suppression_lift_names_placement",
            ),
            models.CheckConstraint(condition=~models.Q(key_id=""), name="suppression_keyed"),
            models.UniqueConstraint(
                fields=["policyholder", "idempotency_key"], condition=~models.Q(idempotency_key=""),
                name="suppression_idempotency_key_unique",
            ),
        ]
        indexes = [
            # A policyholder's suppressions (the API's check, the preference center) and the chain walk.
            models.Index(fields=["policyholder", "id"], name="suppression_chain_idx"),
        ]
        permissions = [("lift_suppression", _("Can lift a suppression"))]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}"


class StaffConsentAnswer(models.Model):
    """A customer's answer to a consent question (同意する／同意しない) given to staff on paper or by phone, with its
    evidence. 同意しない takes effect at once; 同意する only when a second member of staff confirms it. Either way
    the answer that takes effect is a NoticeRecord (source staff) whose idempotency key names this row."""

    class Status(models.TextChoices):
        AWAITING = "awaiting", _("Awaiting a second person's confirmation")
        APPLIED = "applied", _("In effect")
        UNCHANGED = "unchanged", _("Same as the latest answer: nothing recorded")
        SUPERSEDED = "superseded", _("The customer answered otherwise later: not applied")

    policyholder = models.ForeignKey(
        Policyholder, verbose_name=_("policyholder"), on_delete=models.PROTECT, related_name="staff_consent_answers"
    )
    notice_version = models.ForeignKey(
        NoticeVersion, verbose_name=_("notice version"), on_delete=models.PROTECT, related_name="+"
    )
    consent = models.BooleanField(_("consents"))
    capture = models.CharField(_("said through"), max_length=20, choices=Capture.choices)
    evidence = models.CharField(_("evidence reference"), max_length=200)
    occurred_at = models.DateTimeField(_("said by the customer at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"))
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("confirmed by"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    record = models.OneToOneField(
        NoticeRecord, verbose_name=_("notice record"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="staff_answer",
    )

    class Meta:
        verbose_name = _("consent answer given to staff")
        verbose_name_plural = _("consent answers given to staff")
        ordering = ["-id"]
        permissions = [("confirm_staffconsentanswer", _("Can confirm a consent answer another staff member recorded"))]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(confirmed_by__isnull=True) | ~models.Q(confirmed_by=models.F("recorded_by")),
                name="staffconsentanswer_two_people",
            ),
        ]

    def __str__(self):
        return f"#{self.pk}"
