"""What every app's admin shares."""

from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.db import models
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .errors import error_page
from .jobs import job_for, jobs_retry
from .spreadsheet import csv_download


class BadInputIs400Mixin:
    """Bad input in the admin answers with a 4xx, as everywhere else: a change form sent back with errors
    is a 400, and a delete refused because other objects protect the object is a 409."""

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        response = super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)
        if request.method == "POST" and context.get("errors"):
            response.status_code = 400
        return response

    def delete_view(self, request, object_id, extra_context=None):
        response = super().delete_view(request, object_id, extra_context)
        if request.method == "POST" and (getattr(response, "context_data", None) or {}).get("protected"):
            response.status_code = 409
        return response

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.URLField):
            kwargs.setdefault("assume_scheme", "https")  # Django 6's default; silences its warning
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class ReadOnlyAdminMixin:
    """Evidence (consent events, the audit trail, refused publications, outgoing emails, change requests): shown,
    never added, changed or deleted from the admin, by anyone, superusers included."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class JobAdminMixin:
    """The one 「再試行」 action of every job's rows (core/jobs.py): rows given up after their last attempt are
    tried again with a fresh set of attempts. Needs the model's `retry_<model>` permission."""

    actions = ["retry_given_up"]

    def has_retry_permission(self, request):
        opts = self.model._meta
        return request.user.has_perm(f"{opts.app_label}.retry_{opts.model_name}")

    @admin.action(description=gettext_lazy("Try the selected given-up ones again"), permissions=["retry"])
    def retry_given_up(self, request, queryset):
        retried = jobs_retry(job_for(self.model), queryset)
        skipped = queryset.count() - retried
        if retried:
            messages.success(request, _("%(count)s will be tried again.") % {"count": retried})
        if skipped:
            message = _("%(count)s were not given up (waiting or done) and were left as they are.")
            messages.warning(request, message % {"count": skipped})


class CustomerNumberColumn:
    """`customer_number` for list_display: the customer number of the row's policyholder, sortable."""

    @admin.display(description=gettext_lazy("customer number"), ordering="policyholder__customer_number")
    def customer_number(self, obj):
        return obj.policyholder.customer_number if obj.policyholder else "-"


class ChangelistCsvMixin:
    """「この一覧をCSVで書き出す」: the rows the changelist shows, with its filters and search, as CSV that Excel
    opens (core/spreadsheet.py), at `export/` (URL name `<app>_<model>_export`). The admin says how the rows
    become lines (`csv_lines(queryset)`) and names the file (`csv_name`)."""

    csv_name = "export"

    def csv_lines(self, queryset):
        raise NotImplementedError

    def get_urls(self):
        opts = self.model._meta
        name = f"{opts.app_label}_{opts.model_name}_export"
        return [path("export/", self.admin_site.admin_view(self.export_view), name=name), *super().get_urls()]

    def export_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            changelist = self.get_changelist_instance(request)
        except (IncorrectLookupParameters, SuspiciousOperation):
            return error_page(request, status=400, message=_("The filter in the address is not valid."))
        return csv_download(self.csv_lines(changelist.queryset), name=self.csv_name)
