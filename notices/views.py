import datetime

from django import forms
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import ListView

from privacy_portal.errors import error_page
from privacy_portal.http import public_page

from .models import Company, Notice, NoticeVersion, today_in_tokyo


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


def _render_version(
    request, notice: Notice, version: NoticeVersion, *, as_of: datetime.date | None = None, in_force_today=None
):
    if in_force_today is None:
        in_force_today = version == notice.versions.in_force(on=today_in_tokyo()).first()
    context = {
        "notice": notice,
        "version": version,
        "content": version.content,
        "as_of": as_of,
        "is_in_force_today": in_force_today,
        "faq_entries": notice.faq_entries.published() if version.is_published else [],
    }
    return render(request, "notices/notice_detail.html", context)


@public_page
def notice_detail(request, slug: str):
    notice = get_object_or_404(Notice, slug=slug)
    form = AsOfForm(request.GET)
    if not form.is_valid():
        return error_page(request, status=400, message=" ".join(form.errors["as_of"]))
    as_of = form.cleaned_data["as_of"]
    today = today_in_tokyo()
    version = notice.versions.in_force(on=as_of or today).first()
    if version is None:
        if as_of:
            message = _("No version of this notice was in force on %(date)s.") % {"date": as_of.isoformat()}
        else:
            message = _("No version of this notice is in force yet.")
        return error_page(request, status=404, message=message, title=notice.title)
    return _render_version(request, notice, version, as_of=as_of, in_force_today=as_of in (None, today))


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
    return render(
        request,
        "notices/version_list.html",
        {"notice": notice, "versions": versions, "in_force": in_force, "today": today},
    )


class CompanyListView(ListView):
    model = Company
    template_name = "notices/company_list.html"
    context_object_name = "companies"


company_list = public_page(CompanyListView.as_view())


@public_page
def home(request):
    notices = Notice.objects.all()
    return render(request, "portal/home.html", {"notices": notices})
