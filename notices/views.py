import datetime

from django import forms
from django.conf import settings
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import ListView

from core.dates import today_in_tokyo
from core.errors import error_page
from core.pagecache import public_page

from .compare import comparison_context
from .models import Notice, NoticeVersion
from .printing import PdfUnavailable, comparison_pdf, html_pdf
from .selectors import (
    announced_joint_users,
    joint_users_in_force,
    retained_data_company_pages,
    retained_data_group_version,
)


class AsOfForm(forms.Form):
    as_of = forms.CharField(required=False, max_length=10)

    def clean_as_of(self) -> datetime.date | None:
        value = self.cleaned_data["as_of"]
        if not value:
            return None
        try:
            # fromisoformat alone would take 20190603 and full-width digits; the URL form is YYYY-MM-DD.
            if not (value.isascii() and len(value) == 10):
                raise ValueError(value)
            return datetime.date.fromisoformat(value)
        except ValueError:
            raise forms.ValidationError(
                gettext_lazy("Give the date as YYYY-MM-DD, for example 2019-06-03."), code="invalid"
            ) from None


def _announcement(notice: Notice, published: list[NoticeVersion], *, today: datetime.date) -> dict | None:
    """The next published version that is not in force yet, and the one it will replace.

    `published` is the notice's published versions, oldest first (one query serves the whole page).
    """
    upcoming = next((v for v in published if v.effective_date > today), None)
    if upcoming is None:
        return None
    previous = next((v for v in reversed(published) if v.effective_date < upcoming.effective_date), None)
    return {"notice": notice, "version": upcoming, "previous": previous}


def _published_oldest_first(notice: Notice) -> list[NoticeVersion]:
    return list(notice.versions.published().only("id", "notice_id", "effective_date").order_by("effective_date"))


def _render_version(request, notice: Notice, version: NoticeVersion, *, as_of: datetime.date | None = None):
    today = today_in_tokyo()
    # The group's page of items on retained personal data links each company's own page.
    company_pages = retained_data_company_pages() if notice.is_retained_data and notice.company_id is None else []
    published = _published_oldest_first(notice)
    in_force_today = next((v for v in reversed(published) if v.effective_date <= today), None)
    is_in_force_today = version == in_force_today
    context = {
        "notice": notice,
        "version": version,
        "content": version.content,
        "as_of": as_of,
        "is_in_force_today": is_in_force_today,
        "faq_entries": notice.faq_entries.published() if version.is_published else [],
        "previous_version": next((v for v in reversed(published) if v.effective_date < version.effective_date), None),
        "announcement": _announcement(notice, published, today=today) if is_in_force_today else None,
        "company_pages": company_pages,
    }
    return render(request, "notices/notice_detail.html", context)


@public_page
def notice_detail(request, slug: str):
    notice = get_object_or_404(Notice, slug=slug)
    form = AsOfForm(request.GET)
    if not form.is_valid():
        return error_page(request, status=400, message=" ".join(form.errors["as_of"]))
    as_of = form.cleaned_data["as_of"]
    version = notice.versions.in_force(on=as_of or today_in_tokyo()).first()
    if version is None:
        if as_of:
            message = _("No version of this notice was in force on %(date)s.") % {"date": as_of.isoformat()}
        else:
            message = _("No version of this notice is in force yet.")
        return error_page(request, status=404, message=message, title=notice.title)
    return _render_version(request, notice, version, as_of=as_of)


@public_page
def retained_data(request):
    """The group's page of items on retained personal data (APPI Art. 32(1)), the version in force: its common
    items, and a link to each company's page. The same page as /notices/<slug>/, at an address that stays."""
    version = retained_data_group_version()
    if version is None:
        return error_page(
            request, status=404, title=_("Items on retained personal data"),
            message=_("No version of this page is in force yet. Please ask the inquiry windows of the company."),
        )
    return _render_version(request, version.notice, version)


REQUEST_FORM_STYLESHEET = "css/request-form.css"


def _request_form_context(request):
    """(context, None) for the postal request form: where to send it (the business of the group's page in force)
    and the companies a request may name; or (None, the Japanese 404 page) while no page is in force."""
    version = retained_data_group_version()
    if version is None:
        return None, error_page(
            request, status=404, title=_("Request form"),
            message=_("No version of the items on retained personal data is in force yet, so the form cannot say "
                      "where to send it. Please ask the inquiry windows of the company."),
        )
    context = {
        "sender": version.content["responsible_party"],
        "companies": [page.company for page in retained_data_company_pages()],
        "page_url": settings.SITE_URL + reverse("notices:retained_data"),
    }
    return context, None


@public_page
def request_form(request):
    """The postal request form as a page, to print from the browser (the PDF is the same form)."""
    context, refusal = _request_form_context(request)
    if refusal is not None:
        return refusal
    return render(request, "notices/request_form.html", context)


@public_page
def request_form_pdf(request):
    """The postal request form for everyone who cannot make the request online: heirs, agents, people who are
    not policyholders. A4, the same for everyone: nothing personal is in it until it is filled in by hand."""
    context, refusal = _request_form_context(request)
    if refusal is not None:
        return refusal
    html = render_to_string("notices/request_form_print.html", context, request=request)
    try:
        pdf = html_pdf(html, stylesheet=REQUEST_FORM_STYLESHEET)
    except PdfUnavailable:
        message = _("The PDF cannot be made on this server just now. Print the request form page from your browser "
                    "instead.")
        return error_page(request, status=503, message=message, title=_("Request form"))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="request-form.pdf"'
    return response


@public_page
def version_detail(request, slug: str, date: datetime.date):
    notice = get_object_or_404(Notice, slug=slug)
    version = get_object_or_404(notice.versions.published(), effective_date=date)
    return _render_version(request, notice, version)


@public_page
def version_list(request, slug: str):
    notice = get_object_or_404(Notice, slug=slug)
    today = today_in_tokyo()
    versions = list(notice.versions.published().order_by("-effective_date"))
    in_force = next((v for v in versions if v.effective_date <= today), None)
    # Newest first: each version with the one it replaced, for the link to their 新旧対照表.
    rows = list(zip(versions, versions[1:] + [None], strict=True))
    return render(
        request,
        "notices/version_list.html",
        {"notice": notice, "versions": versions, "rows": rows, "in_force": in_force, "today": today},
    )


def _comparison(request, slug: str, old: datetime.date, new: datetime.date):
    """(context, None) for two published versions of a notice, or (None, the Japanese 4xx page)."""
    notice = get_object_or_404(Notice, slug=slug)
    if old >= new:
        return None, error_page(
            request,
            status=400,
            message=_("Give the earlier effective date first, then the later one."),
            title=_("Comparison of old and new versions"),
        )
    old_version = get_object_or_404(notice.versions.published(), effective_date=old)
    new_version = get_object_or_404(notice.versions.published(), effective_date=new)
    # Each side from its frozen snapshot: what customers were shown, whatever changed since.
    context = {"notice": notice, "old_version": old_version, "new_version": new_version}
    context.update(comparison_context(new_version.content, old_version.content))
    return context, None


@public_page
def compare(request, slug: str, old: datetime.date, new: datetime.date):
    """The 新旧対照表 of two published versions: 改定後 (new) on the left, 改定前 (old) on the right."""
    context, refusal = _comparison(request, slug, old, new)
    if refusal is not None:
        return refusal
    return render(request, "notices/compare.html", context)


@public_page
def compare_pdf(request, slug: str, old: datetime.date, new: datetime.date):
    """The same 新旧対照表 as an A4 landscape PDF, to hand to a board or a regulator."""
    context, refusal = _comparison(request, slug, old, new)
    if refusal is not None:
        return refusal
    # The public address (SITE_URL, as in emails): the PDF is cached and handed on, whoever asked first.
    page_url = settings.SITE_URL + reverse("notices:compare", args=[slug, old.isoformat(), new.isoformat()])
    html = render_to_string("notices/compare_print.html", {**context, "page_url": page_url}, request=request)
    try:
        pdf = comparison_pdf(html)
    except PdfUnavailable:
        message = _("The PDF cannot be made on this server just now. Print the comparison page from your browser "
                    "instead: it prints on A4 landscape.")
        return error_page(request, status=503, message=message, title=_("Comparison of old and new versions"))
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = f"{slug}-{old.isoformat()}-{new.isoformat()}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class CompanyListView(ListView):
    """The joint users the joint-use notice in force names, and apart from them the companies an announced
    version will add, with the day they join."""

    template_name = "notices/company_list.html"
    context_object_name = "companies"

    def get_queryset(self):
        return joint_users_in_force()

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            announced=announced_joint_users(), retained_data_pages=retained_data_company_pages(), **kwargs
        )


company_list = public_page(CompanyListView.as_view())


@public_page
def home(request):
    published = NoticeVersion.objects.published().only("id", "notice_id", "effective_date").order_by("effective_date")
    notices = list(Notice.objects.prefetch_related(Prefetch("versions", queryset=published, to_attr="published")))
    today = today_in_tokyo()
    announcements = [
        announcement
        for announcement in (_announcement(notice, notice.published, today=today) for notice in notices)
        if announcement
    ]
    # The pages of items on retained personal data have their own entry on the page, not one card each.
    listed = [notice for notice in notices if not notice.is_retained_data]
    return render(request, "portal/home.html", {"notices": listed, "announcements": announcements})
