from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from notices.models import Company, NoticeVersion

# ASCII letters only: PostgreSQL's lower() under the "C" collation and SQLite's lower() fold exactly these,
# whatever the database's locale, so Python and the database agree on every address. Folding more
# (ı, ſ, Ä) would make a spelling find someone in one place and no one in the other.
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def email_key(email: str) -> str:
    """The one normalisation of a login address, as the database computes `Policyholder.email_key`."""
    return email.translate(_ASCII_LOWER)


class AsciiLower(models.Func):
    """lower() of ASCII letters only, on every database (see email_key)."""

    function = "LOWER"
    output_field = models.CharField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, template='%(function)s((%(expressions)s) COLLATE "C")')


validate_postal_code = RegexValidator(
    r"^\d{3}-\d{4}\Z", _("Write the postal code as 123-4567."), code="postal_code"
)

validate_customer_number = RegexValidator(
    r"^[A-Z0-9]{6,20}\Z",
    _("A customer number is 6 to 20 half-width capital letters and digits."),
    code="customer_number",
)


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


class Policyholder(models.Model):
    customer_number = models.CharField(
        _("customer number"), max_length=20, unique=True, validators=[validate_customer_number]
    )
    name = models.CharField(_("full name"), max_length=100)
    # "name in kana" alone is the company's 商号（カナ）; a person's is 氏名（カナ）.
    kana = models.CharField(pgettext_lazy("policyholder", "name in kana"), max_length=100, blank=True)
    email = models.EmailField(_("email address"), blank=True)
    # Login, uniqueness and the import all compare this column: one index serves them all.
    email_key = models.GeneratedField(
        expression=AsciiLower("email"), output_field=models.CharField(max_length=254), db_persist=True
    )
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    # The postal address, as a print vendor lays it out: notices go by post to those without an email.
    # Empty by default in the database too, so that a bulk load (COPY) that does not know them still works.
    postal_code = models.CharField(
        _("postal code"), max_length=8, blank=True, default="", db_default="", validators=[validate_postal_code]
    )
    address1 = models.CharField(
        _("address (prefecture, city, street)"), max_length=200, blank=True, default="", db_default=""
    )
    address2 = models.CharField(_("address (building, room)"), max_length=200, blank=True, default="", db_default="")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("policyholder")
        verbose_name_plural = _("policyholders")
        ordering = ["customer_number"]
        constraints = [
            # One address logs in one policyholder: the login link must know whom it is for.
            models.UniqueConstraint(
                fields=["email_key"], condition=~models.Q(email_key=""), name="policyholder_email_key_unique"
            ),
        ]
        indexes = [
            # Staff search by kana (admin search_fields) and name.
            models.Index(fields=["kana"], name="policyholder_kana_idx"),
        ]
        permissions = [
            ("record_preference_change", _("Can record a preference change on the customer's behalf")),
        ]

    def __str__(self):
        return f"{self.customer_number} {self.name}"


class Policy(models.Model):
    policyholder = models.ForeignKey(Policyholder, on_delete=models.CASCADE, related_name="policies")
    company = models.ForeignKey(Company, verbose_name=_("company"), on_delete=models.PROTECT, related_name="+")
    policy_number = models.CharField(_("policy number"), max_length=40)
    product = models.CharField(_("product"), max_length=200)

    class Meta:
        verbose_name = _("policy")
        verbose_name_plural = _("policies")
        ordering = ["company__display_order", "policy_number"]
        constraints = [
            models.UniqueConstraint(fields=["company", "policy_number"], name="policy_number_unique_per_company"),
        ]

    def __str__(self):
        return f"{self.product}（{self.policy_number}）"


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


class LoginToken(models.Model):
    """A single-use login link. Only the SHA-256 of the token is stored: a copy of the table logs no one in."""

    policyholder = models.ForeignKey(
        Policyholder, verbose_name=_("policyholder"), on_delete=models.CASCADE, related_name="login_tokens"
    )
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"))
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("login link")
        verbose_name_plural = _("login links")
        ordering = ["-created_at"]
        indexes = [
            # Pruning links that expired long ago, on every new link.
            models.Index(fields=["expires_at"], name="logintoken_expires_idx"),
        ]

    def __str__(self):
        return f"{self.policyholder_id} {self.created_at:%Y-%m-%d %H:%M}"


class OutgoingEmail(models.Model):
    """One email to a customer, from the change that caused it to its delivery.

    Queued in the transaction of that change, sent by a worker that holds the row locked while it
    sends (so no other worker sends it too) and marks it sent in the same transaction. Nothing here
    holds the address: it is read from the policyholder (or, for the kinds an app above registers with
    consents.outbox.message_builder_register, from that app's row) when the email is sent.
    """

    class Kind(models.TextChoices):
        LOGIN_LINK = "login_link", _("Login link")
        RECEIPT = "receipt", _("Receipt")
        DISCLOSURE_READY = "disclosure_ready", _("Disclosure package ready")
        NOTICE_CHANGE = "notice_change", _("Notice of a change to the joint use")
        # Built by the request desk (its builders are registered when the app loads).
        REQUEST_RECEIVED = "request_received", _("Request received")
        REQUEST_ANSWER = "request_answer", _("Answer to a request")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to be sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Not sent (gave up)")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    # Null for an email to someone who is not a policyholder (a general inquiry).
    policyholder = models.ForeignKey(
        Policyholder, verbose_name=_("policyholder"), on_delete=models.CASCADE, null=True, blank=True,
        related_name="outgoing_emails",
    )
    receipt = models.OneToOneField(
        Receipt, verbose_name=_("receipt"), on_delete=models.CASCADE, null=True, blank=True, related_name="email"
    )
    # The announced version a notice-of-change email tells of, and the campaign that sent it (a plain
    # number: campaigns sit above this app).
    notice_version = models.ForeignKey(
        NoticeVersion, verbose_name=_("notice version"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    campaign_id = models.PositiveIntegerField(_("campaign number"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.QUEUED)
    queued_at = models.DateTimeField(_("queued at"))
    next_attempt_at = models.DateTimeField(_("next attempt at"))
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("outgoing email")
        verbose_name_plural = _("outgoing emails")
        ordering = ["-queued_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="receipt", receipt__isnull=False)
                | (~models.Q(kind="receipt") & models.Q(receipt__isnull=True)),
                name="outgoingemail_receipt_iff_kind_receipt",
            ),
            # The login link and the receipt go to the policyholder's address; only the registered kinds
            # find theirs elsewhere.
            models.CheckConstraint(
                condition=models.Q(policyholder__isnull=False) | ~models.Q(kind__in=["login_link", "receipt"]),
                name="outgoingemail_policyholder_kinds",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="notice_change", notice_version__isnull=False)
                | (~models.Q(kind="notice_change") & models.Q(notice_version__isnull=True)),
                name="outgoingemail_notice_version_iff_kind_notice_change",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="sent") | models.Q(sent_at__isnull=False),
                name="outgoingemail_sent_has_sent_at",
            ),
        ]
        indexes = [
            # The recovery job and the admin's filter: emails still waiting, oldest first.
            models.Index(fields=["status", "next_attempt_at"], name="outgoingemail_status_idx"),
        ]
        permissions = [("retry_outgoingemail", _("Can send a failed email again"))]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}"


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
