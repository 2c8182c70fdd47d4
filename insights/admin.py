"""Two read-only admin pages: the opt-in dashboard (aggregates, no personal data) and, per consent-ground
version, who has answered, who has not, and the ratios per company, with CSV."""

from django.conf import settings
from django.contrib import admin
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import InvalidPage, Paginator
from django.http import Http404
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from core.admin import ReadOnlyAdminMixin
from core.dates import today_in_tokyo
from core.errors import error_page
from core.spreadsheet import csv_download, csv_lines

from .dashboard import dashboard_compute
from .models import ConsentReport, OptInDashboard
from .reports import FILTERS, asked_customers, consent_change_of, consent_versions, ratios

CUSTOMERS_PER_PAGE = 100
DASHBOARD_CACHE_KEY = "insights:dashboard:v1:{day}"


@admin.register(OptInDashboard)
class OptInDashboardAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    def get_urls(self):
        return [path("", self.admin_site.admin_view(self.changelist_view), name="insights_optindashboard_changelist")]

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Opt-in dashboard"),
            "figures_html": dashboard_html(),
        }
        return TemplateResponse(request, "insights/dashboard.html", context)


def dashboard_html() -> str:
    """The dashboard's figures, rendered, from the shared cache when they were computed in the last
    DASHBOARD_CACHE_SECONDS (the aggregation reads every policyholder's preferences; rendering the tables is most
    of the rest, so the rendered tables are what is kept)."""
    today = today_in_tokyo()
    key = DASHBOARD_CACHE_KEY.format(day=today.isoformat())
    html = cache.get(key)
    if html is None:
        html = render_to_string("insights/dashboard_figures.html", {"figures": dashboard_compute(today=today)})
        cache.set(key, html, settings.DASHBOARD_CACHE_SECONDS)
    return mark_safe(html)  # noqa: S308 — our own template's output, autoescaped when rendered


@admin.register(ConsentReport)
class ConsentReportAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    def get_queryset(self, request):
        return consent_versions()

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("", view(self.changelist_view), name="insights_consentreport_changelist"),
            path("<int:version_id>/", view(self.report_view), name="insights_consentreport_change"),
            path("<int:version_id>/csv/", view(self.export_view), name="insights_consentreport_export"),
        ]

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Answers to consent requests"),
            "versions": list(consent_versions()),
        }
        return TemplateResponse(request, "insights/consent_reports.html", context)

    def _change(self, request, version_id):
        if not self.has_view_permission(request):
            raise PermissionDenied
        version = consent_versions().filter(pk=version_id).first()
        change = consent_change_of(version) if version else None
        if change is None:
            raise Http404(_("No consent-ground version has this number."))
        return change

    def _answer_filter(self, request):
        answer = request.GET.get("answer", "")
        if answer and answer not in FILTERS:
            return None
        return answer

    def report_view(self, request, version_id):
        change = self._change(request, version_id)
        answer = self._answer_filter(request)
        if answer is None:
            return error_page(request, status=400, message=_("The filter in the address is not valid."))
        try:
            page = Paginator(asked_customers(change, answer=answer), CUSTOMERS_PER_PAGE).page(
                request.GET.get("page") or 1
            )
        except InvalidPage as error:
            raise Http404(_("There is no such page.")) from error
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Answers to the consent request of %(version)s") % {"version": change.version},
            "change": change,
            "ratios": ratios(change),
            "page": page,
            "answer": answer,
            "filters": [("", _("All answers")), ("consented", _("Consented")), ("declined", _("Declined")),
                        ("unanswered", _("Not answered"))],
        }
        return TemplateResponse(request, "insights/consent_report.html", context)

    def export_view(self, request, version_id):
        change = self._change(request, version_id)
        answer = self._answer_filter(request)
        if answer is None:
            return error_page(request, status=400, message=_("The filter in the address is not valid."))
        labels = {"consented": _("Consented"), "declined": _("Declined"), None: _("Not answered")}
        rows = (
            [holder.customer_number, holder.name, labels[holder.answer],
             timezone.localtime(holder.answered_at).isoformat() if holder.answered_at else "",
             holder.record_number or holder.record_id or ""]
            for holder in asked_customers(change, answer=answer).iterator(chunk_size=2000)
        )
        header = [_("Customer number"), _("Name"), _("Answer"), _("Answered at"), _("Record number")]
        return csv_download(csv_lines(header, rows), name=f"consent-answers-{change.version.effective_date:%Y%m%d}")
