from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from notices.models import Notice


class FaqEntryQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published=True)


class FaqEntry(models.Model):
    number = models.PositiveIntegerField(_("number"), unique=True, help_text=_("Shown as Q1, Q2, …"))
    question = models.TextField(_("question"))
    answer = models.TextField(_("answer"), help_text=_("Markdown."))
    category = models.CharField(_("category"), max_length=100, blank=True)
    notice = models.ForeignKey(
        Notice, verbose_name=_("related notice"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="faq_entries",
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    published = models.BooleanField(_("published"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = FaqEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("FAQ entry")
        verbose_name_plural = _("FAQ entries")
        ordering = ["order", "number"]

    def __str__(self):
        return f"Q{self.number}. {self.question[:40]}"

    def get_absolute_url(self):
        return reverse("faq:list") + f"#{self.anchor}"

    @property
    def anchor(self) -> str:
        return f"q{self.number}"
