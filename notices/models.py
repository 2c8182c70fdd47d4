import datetime
import hashlib
import json

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.text import normalize_text

from .validators import validate_corporate_number, validate_effective_date


class PublishedVersionError(PermissionDenied):
    """A write to a published version or its rows: refused whatever the caller (a 403 in a view)."""


class Company(models.Model):
    class Role(models.TextChoices):
        HOLDING = "holding", _("holding company")
        LIFE = "life", _("life insurer")
        NON_LIFE = "non_life", _("non-life insurer")
        SMALL_AMOUNT = "small_amount", _("small-amount short-term insurer")
        AGENCY = "agency", _("insurance agency")

    legal_name = models.CharField(_("legal name"), max_length=200, unique=True)
    short_name = models.CharField(_("short name"), max_length=100)
    kana = models.CharField(_("name in kana"), max_length=200, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    corporate_number = models.CharField(
        _("corporate number"), max_length=13, blank=True, validators=[validate_corporate_number]
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    representative_title = models.CharField(_("representative's title"), max_length=100, blank=True)
    representative_name = models.CharField(_("representative's name"), max_length=100, blank=True)
    website = models.URLField(_("website"), blank=True)
    display_order = models.PositiveIntegerField(_("display order"), default=0)
    markets_to_customers = models.BooleanField(
        _("markets to customers"),
        default=False,
        help_text=_("Only these companies appear in the customers' preference matrix."),
    )

    class Meta:
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        ordering = ["display_order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["corporate_number"],
                condition=~models.Q(corporate_number=""),
                name="company_corporate_number_unique",
            ),
        ]

    def __str__(self):
        return self.legal_name

    def get_absolute_url(self):
        return reverse("notices:companies") + f"#company-{self.pk}"

    @property
    def representative(self) -> str:
        return " ".join(part for part in (self.representative_title, self.representative_name) if part)


class Notice(models.Model):
    class Kind(models.TextChoices):
        JOINT_USE = "joint_use", _("joint-use notice (statutory items)")
        EXPLANATION = "explanation", _("explanatory page")
        # APPI Art. 32(1): the items on retained personal data a business must keep readily accessible.
        RETAINED_DATA = "retained_data", _("items on retained personal data (statutory items)")

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.JOINT_USE)
    company = models.ForeignKey(
        Company,
        verbose_name=_("publishing company"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text=_("Leave empty for a notice of the whole group."),
    )
    display_order = models.PositiveIntegerField(_("display order"), default=0)

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["display_order", "id"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("notices:notice", kwargs={"slug": self.slug})

    @property
    def is_joint_use(self) -> bool:
        return self.kind == self.Kind.JOINT_USE

    @property
    def is_retained_data(self) -> bool:
        return self.kind == self.Kind.RETAINED_DATA


class NoticeVersionQuerySet(models.QuerySet):
    def published(self):
        """Published and not withdrawn: what customers see, now or from its effective date."""
        return self.filter(status=NoticeVersion.Status.PUBLISHED)

    def announced(self, *, today: datetime.date):
        """Published versions that are not in force yet, soonest first."""
        return self.published().filter(effective_date__gt=today).order_by("effective_date")

    def joint_use(self):
        return self.filter(notice__kind=Notice.Kind.JOINT_USE)

    def in_force(self, *, on: datetime.date):
        """Published versions in force on `on`, newest effective date first; `.first()` is the one."""
        return self.published().filter(effective_date__lte=on).order_by("-effective_date")

    def preceding(self, version: "NoticeVersion"):
        """Published versions of the same notice before `version`, newest first; `.first()` is what it revises."""
        return (
            self.published()
            .filter(notice_id=version.notice_id, effective_date__lt=version.effective_date)
            .exclude(pk=version.pk)
            .order_by("-effective_date")
        )

    def delete(self):
        # The admin's bulk delete and cascades from a queryset come here, not to Model.delete().
        if self.exclude(status=NoticeVersion.Status.DRAFT).exists():
            raise PublishedVersionError(_("A published version cannot be deleted."))
        return super().delete()


class NoticeVersion(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")
        # Announced, then taken back before its effective date: kept, never shown to customers.
        WITHDRAWN = "withdrawn", _("withdrawn")

    class Ground(models.TextChoices):
        # The cases in which PPC 通則編 3-6-3 lets the data items or the joint users change.
        CONSENT = "consent", _("consent of the individuals obtained")
        RENAME = "rename", _("a joint user's change of name")
        SUCCESSION = "succession", _("business succession")

    notice = models.ForeignKey(Notice, verbose_name=_("notice"), on_delete=models.PROTECT, related_name="versions")
    effective_date = models.DateField(_("effective date"), validators=[validate_effective_date])
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    change_summary = models.TextField(_("reason for the revision"), blank=True)
    introduction = models.TextField(
        _("introduction"), blank=True, help_text=_("Markdown. States that personal data is used jointly.")
    )
    joint_users_scope = models.TextField(_("scope of joint users"), blank=True)
    joint_users_note = models.TextField(_("note on joint users"), blank=True, help_text=_("Markdown."))
    responsible_party_name = models.CharField(_("responsible party"), max_length=200, blank=True)
    responsible_party_address = models.CharField(_("responsible party's address"), max_length=300, blank=True)
    responsible_party_representative = models.CharField(
        _("responsible party's representative"), max_length=200, blank=True
    )
    notes = models.TextField(_("notes"), blank=True, help_text=_("Markdown, shown after the statutory items."))
    publication_ground = models.CharField(
        _("ground for changing the data items or joint users"),
        max_length=20,
        choices=Ground.choices,
        blank=True,
        help_text=_("Required when this version changes the data items or the scope of joint users."),
    )
    publication_ground_note = models.TextField(_("note on the ground"), blank=True)
    consent_method = models.TextField(
        _("how consent was obtained"), blank=True, help_text=_("Required when the ground is consent.")
    )
    consent_count = models.PositiveIntegerField(
        _("number of customers who consented"), null=True, blank=True,
        help_text=_("Required when the ground is consent."),
    )
    predecessor_company = models.ForeignKey(
        Company, verbose_name=_("predecessor company"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", help_text=_("Required when the ground is business succession."),
    )
    successor_company = models.ForeignKey(
        Company, verbose_name=_("successor company"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", help_text=_("Required when the ground is business succession."),
    )
    legal_signoff_note = models.TextField(
        _("legal sign-off note"),
        blank=True,
        help_text=_("Required when this version changes the purposes or the responsible party."),
    )
    # What the version showed when it was published; a published version renders from this alone.
    snapshot = models.JSONField(_("published content"), null=True, blank=True, editable=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, editable=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True, editable=False)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("withdrawn by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    withdrawal_reason = models.TextField(_("reason for the withdrawal"), blank=True, editable=False)
    last_edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last edited by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = NoticeVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("notice version")
        verbose_name_plural = _("notice versions")
        ordering = ["notice", "-effective_date"]
        permissions = [("publish_noticeversion", "Can publish notice version")]
        constraints = [
            models.UniqueConstraint(
                fields=["notice", "effective_date"],
                condition=models.Q(status="published"),
                name="noticeversion_one_published_per_date",
            ),
            models.CheckConstraint(
                condition=models.Q(status="draft") | models.Q(snapshot__isnull=False, published_at__isnull=False),
                name="noticeversion_published_has_snapshot",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="withdrawn")
                | (models.Q(withdrawn_at__isnull=False, withdrawn_by__isnull=False) & ~models.Q(withdrawal_reason="")),
                name="noticeversion_withdrawn_says_who_when_why",
            ),
        ]
        indexes = [
            # NoticeVersion.objects.in_force(on=...) for one notice: the hot path of every notice page.
            models.Index(fields=["notice", "status", "-effective_date"], name="noticeversion_in_force_idx"),
        ]

    def __str__(self):
        return f"{self.notice.title}（{self.effective_date:%Y-%m-%d}・{self.get_status_display()}）"

    # Staff-written text, stored normalised (core/text.py) so that a 新旧対照表 shows only what a customer sees.
    TEXT_FIELDS = (
        "change_summary", "introduction", "joint_users_scope", "joint_users_note", "responsible_party_name",
        "responsible_party_address", "responsible_party_representative", "notes", "publication_ground_note",
        "consent_method", "legal_signoff_note",
    )

    def save(self, *args, **kwargs):
        # The admin refuses first; this gives every other ORM path a clear error. Below the ORM (update(),
        # raw SQL) a database trigger refuses the same writes (migration 0005_published_content_immutable).
        if self.is_published_in_database() and not self._is_withdrawal(kwargs.get("update_fields")):
            raise PublishedVersionError(_("A published version cannot be changed."))
        if self.is_draft:
            normalize_fields(self, self.TEXT_FIELDS)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse(
            "notices:version", kwargs={"slug": self.notice.slug, "date": self.effective_date.isoformat()}
        )

    def delete(self, *args, **kwargs):
        if self.is_published_in_database():
            raise PublishedVersionError(_("A published version cannot be deleted."))
        return super().delete(*args, **kwargs)

    WITHDRAWAL_FIELDS = frozenset({"status", "withdrawn_at", "withdrawn_by", "withdrawal_reason", "updated_at"})

    def _is_withdrawal(self, update_fields) -> bool:
        """The one change a published version allows: published → withdrawn, touching nothing else."""
        return (
            self.status == self.Status.WITHDRAWN
            and update_fields is not None
            and set(update_fields) <= self.WITHDRAWAL_FIELDS
            and NoticeVersion.objects.filter(pk=self.pk, status=self.Status.PUBLISHED).exists()
        )

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def is_withdrawn(self) -> bool:
        return self.status == self.Status.WITHDRAWN

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    def is_published_in_database(self) -> bool:
        """Published or withdrawn as stored: either way its content is fixed for ever."""
        return (
            self.pk is not None
            and NoticeVersion.objects.filter(pk=self.pk).exclude(status=self.Status.DRAFT).exists()
        )

    def content_fingerprint(self, content: dict | None = None) -> str:
        """What an approver reviewed, as a short hash: publishing refuses if the draft changed since."""
        content = content if content is not None else self.content
        canonical = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()

    @property
    def content(self) -> dict:
        """What the version shows: frozen at publication, live while it is a draft."""
        if self.snapshot is not None:
            return self.snapshot
        return self.build_content()

    def build_content(self) -> dict:
        """The content as one plain dict: what the page renders, what publishing freezes into the snapshot,
        and what the 新旧対照表 compares."""
        version = self
        return {
            "title": version.notice.title,
            "kind": version.notice.kind,
            "effective_date": version.effective_date.isoformat(),
            "change_summary": version.change_summary,
            "introduction": version.introduction,
            "data_items": [item.text for item in version.data_items.all()],
            "joint_users_scope": version.joint_users_scope,
            "joint_users_note": version.joint_users_note,
            "joint_users": [
                {
                    "company_id": joint_user.company_id,
                    "corporate_number": joint_user.company.corporate_number,
                    "legal_name": joint_user.company.legal_name,
                    "short_name": joint_user.company.short_name,
                    "address": joint_user.company.address,
                    "representative": joint_user.company.representative,
                }
                for joint_user in version.joint_users.select_related("company")
            ],
            "purposes": [purpose.text for purpose in version.purposes.all()],
            "responsible_party": {
                "name": version.responsible_party_name,
                "address": version.responsible_party_address,
                "representative": version.responsible_party_representative,
            },
            "notes": version.notes,
            "sections": [
                {
                    "heading": section.heading, "body": section.body, "lists_joint_users": section.lists_joint_users,
                    "topic": section.topic,
                }
                for section in version.sections.all()
            ],
        }


class PublicationRefusal(models.Model):
    """A publication an approver attempted and the rules refused, with every reason: the audit trail keeps
    what was refused as well as what was published."""

    version = models.ForeignKey(
        NoticeVersion, verbose_name=_("notice version"), on_delete=models.SET_NULL, null=True,
        related_name="refusals",
    )
    # Kept as text too: a refused draft may be deleted later, its refusal stays.
    version_label = models.CharField(_("version"), max_length=300)
    attempted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("attempted by"), on_delete=models.PROTECT, related_name="+"
    )
    attempted_at = models.DateTimeField(_("attempted at"))
    reasons = models.JSONField(_("reasons"), help_text=_("Each refused rule and its message."))
    content_fingerprint = models.CharField(_("fingerprint of the reviewed content"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("refused publication")
        verbose_name_plural = _("refused publications")
        ordering = ["-attempted_at", "-id"]

    def __str__(self):
        return f"{self.version_label}（{timezone.localtime(self.attempted_at):%Y-%m-%d %H:%M}）"


def normalize_fields(instance: models.Model, names) -> None:
    for name in names:
        setattr(instance, name, normalize_text(getattr(instance, name)))


class VersionRow(models.Model):
    """A row of a version's content; the rows of a published version never change."""

    TEXT_FIELDS: tuple[str, ...] = ()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self._refuse_if_published()
        normalize_fields(self, self.TEXT_FIELDS)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._refuse_if_published()
        return super().delete(*args, **kwargs)

    def _refuse_if_published(self):
        if NoticeVersion.objects.filter(pk=self.version_id).exclude(status=NoticeVersion.Status.DRAFT).exists():
            raise PublishedVersionError(_("A published version cannot be changed."))


class DataItem(VersionRow):
    version = models.ForeignKey(NoticeVersion, on_delete=models.CASCADE, related_name="data_items")
    order = models.PositiveIntegerField(_("order"), default=0)
    text = models.TextField(_("data item"))
    TEXT_FIELDS = ("text",)
    sensitive = models.BooleanField(
        _("sensitive information"),
        default=False,
        help_text=_(
            "Sensitive information under Article 5 of the financial-sector guidelines. "
            "A version with such an item cannot be published."
        ),
    )

    class Meta:
        verbose_name = _("data item")
        verbose_name_plural = _("data items")
        ordering = ["order", "id"]

    def __str__(self):
        return self.text[:40]


class JointUser(VersionRow):
    version = models.ForeignKey(NoticeVersion, on_delete=models.CASCADE, related_name="joint_users")
    company = models.ForeignKey(Company, verbose_name=_("company"), on_delete=models.PROTECT, related_name="+")
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("joint user")
        verbose_name_plural = _("joint users")
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["version", "company"], name="jointuser_company_once_per_version"),
        ]

    def __str__(self):
        return str(self.company)


class Purpose(VersionRow):
    version = models.ForeignKey(NoticeVersion, on_delete=models.CASCADE, related_name="purposes")
    order = models.PositiveIntegerField(_("order"), default=0)
    text = models.TextField(_("purpose"))
    TEXT_FIELDS = ("text",)

    class Meta:
        verbose_name = _("purpose of joint use")
        verbose_name_plural = _("purposes of joint use")
        ordering = ["order", "id"]

    def __str__(self):
        return self.text[:40]


class Section(VersionRow):
    class Topic(models.TextChoices):
        # The items of APPI Art. 32(1) and Cabinet Order Art. 10 that a page of retained personal data must
        # give as sections (the business's name, address and representative, and the purposes, are the
        # version's responsible party and purposes).
        PROCEDURE = "procedure", _("procedure for requests (disclosure and others)")
        SECURITY = "security", _("security control measures")
        COMPLAINTS = "complaints", _("where to make a complaint")
        ACCREDITED_BODY = "accredited_body", _("accredited personal information protection organization")

    version = models.ForeignKey(NoticeVersion, on_delete=models.CASCADE, related_name="sections")
    order = models.PositiveIntegerField(_("order"), default=0)
    heading = models.CharField(_("heading"), max_length=200)
    body = models.TextField(_("body"), blank=True, help_text=_("Markdown."))
    TEXT_FIELDS = ("heading", "body")
    lists_joint_users = models.BooleanField(
        _("list the joint users after this section"), default=False
    )
    topic = models.CharField(
        _("statutory item"), max_length=20, choices=Topic.choices, blank=True,
        help_text=_("On a page of items on retained personal data: which statutory item this section gives."),
    )

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["order", "id"]

    def __str__(self):
        return self.heading
