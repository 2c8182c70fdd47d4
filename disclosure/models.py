from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.jobs import JobFields
from customers.models import Policyholder
from outbox.models import OutgoingEmail


class DisclosurePackageQuerySet(models.QuerySet):
    def downloadable(self, *, now=None):
        """Built, and within DISCLOSURE_DOWNLOAD_DAYS of being built."""
        return self.filter(status=DisclosurePackage.Status.READY, expires_at__gt=now or timezone.now())

    def expired_with_file(self, *, now=None):
        """Packages whose download period is over and whose file is still on disk."""
        return self.filter(status=DisclosurePackage.Status.READY, expires_at__lte=now or timezone.now())


class DisclosurePackage(JobFields, models.Model):
    """Everything the portal holds about one policyholder, as a ZIP built by a worker (disclosure/build.py).

    The file lives in DISCLOSURE_DIR, outside every URL the site serves; the customer downloads it through
    a view that checks who asks and when. The row stays after the file is deleted: it and its downloads
    are the record that the disclosure was made."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Being prepared")
        READY = "ready", _("Ready to download")
        FAILED = "failed", _("Could not be prepared")
        EXPIRED = "expired", _("Download period over")

    policyholder = models.ForeignKey(
        Policyholder, verbose_name=_("policyholder"), on_delete=models.PROTECT, related_name="disclosure_packages"
    )
    # The 受付番号 of the request it answers, when it answers one.
    request_number = models.CharField(_("request number"), max_length=40, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by staff member"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.QUEUED)
    requested_at = models.DateTimeField(_("requested at"))
    built_at = models.DateTimeField(_("built at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("downloadable until"), null=True, blank=True)
    file_deleted_at = models.DateTimeField(_("file deleted at"), null=True, blank=True)
    # The file's name inside DISCLOSURE_DIR (random, so that it names no one).
    file_name = models.CharField(_("file name"), max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("size in bytes"), null=True, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    email = models.OneToOneField(
        OutgoingEmail,
        verbose_name=_("email saying it is ready"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="disclosure_package",
    )

    objects = DisclosurePackageQuerySet.as_manager()

    class Meta:
        verbose_name = _("disclosure package")
        verbose_name_plural = _("disclosure packages")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="ready")
                | models.Q(built_at__isnull=False, expires_at__isnull=False, size__isnull=False)
                & ~models.Q(file_name="") & ~models.Q(sha256=""),
                name="disclosurepackage_ready_has_file",
            ),
        ]
        indexes = [
            # The customer's list of packages, newest first.
            models.Index(fields=["policyholder", "-requested_at"], name="disclosure_policyholder_idx"),
            # The periodic clean-up: ready packages whose period is over.
            models.Index(fields=["status", "expires_at"], name="disclosure_expiry_idx"),
        ]
        permissions = [("retry_disclosurepackage", _("Can build a failed disclosure package again"))]

    def __str__(self):
        return f"{self.policyholder.customer_number} #{self.pk}"

    def is_downloadable(self, *, now=None) -> bool:
        return self.status == self.Status.READY and self.expires_at > (now or timezone.now())

    @property
    def download_name(self) -> str:
        """The name the customer's browser saves it under."""
        return f"disclosure-{self.policyholder.customer_number}-{timezone.localtime(self.built_at):%Y%m%d}.zip"


class DisclosureDownload(models.Model):
    """One download of a package: who, when, from where. Append-only evidence."""

    package = models.ForeignKey(
        DisclosurePackage, verbose_name=_("disclosure package"), on_delete=models.PROTECT, related_name="downloads"
    )
    policyholder = models.ForeignKey(
        Policyholder, verbose_name=_("downloaded by"), on_delete=models.PROTECT, related_name="+"
    )
    downloaded_at = models.DateTimeField(_("downloaded at"))
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("download of a disclosure package")
        verbose_name_plural = _("downloads of disclosure packages")
        ordering = ["-downloaded_at", "-id"]

    def __str__(self):
        return f"#{self.package_id} {self.downloaded_at:%Y-%m-%d %H:%M}"
