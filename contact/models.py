"""Each group company's お問合せ窓口: where a customer phones or writes about their personal data."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from notices.models import Company

from .validators import validate_https_url, validate_phone_number, validate_postal_code


class ContactWindowQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published=True)

    def for_page(self):
        """What /contact/ lists: the published windows, company by company in the companies' order."""
        return (
            self.published()
            .select_related("company")
            .order_by("company__display_order", "company_id", "display_order", "id")
        )


class ContactWindow(models.Model):
    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.PROTECT, related_name="contact_windows"
    )
    name = models.CharField(_("window name"), max_length=100, help_text=_("For example お客さま相談窓口."))
    phone = models.CharField(
        _("phone number"), max_length=13, validators=[validate_phone_number], help_text=_("For example 03-1234-5678.")
    )
    hours = models.CharField(
        _("opening hours"), max_length=200, help_text=_("For example 平日 9:00〜17:00（土日祝日・年末年始を除く）.")
    )
    postal_code = models.CharField(_("postal code"), max_length=8, validators=[validate_postal_code])
    address = models.CharField(
        _("postal address"), max_length=300, help_text=_("Where letters go, with the department to write to.")
    )
    form_url = models.URLField(
        _("web form"), blank=True, validators=[validate_https_url],
        help_text=_("Optional: the company's own inquiry form (https)."),
    )
    note = models.TextField(_("note"), blank=True, help_text=_("Plain text shown under the window."))
    display_order = models.PositiveIntegerField(_("display order"), default=0)
    published = models.BooleanField(_("published"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ContactWindowQuerySet.as_manager()

    class Meta:
        verbose_name = _("inquiry window")
        verbose_name_plural = _("inquiry windows")
        ordering = ["company__display_order", "company_id", "display_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["company", "name"], name="contactwindow_one_name_per_company"),
        ]

    def __str__(self):
        return f"{self.company.legal_name} {self.name}"

    def get_absolute_url(self):
        return reverse("contact:windows") + f"#{self.anchor}"

    @property
    def anchor(self) -> str:
        return f"window-{self.pk}"

    @property
    def phone_uri(self) -> str:
        return "tel:" + self.phone.replace("-", "")
