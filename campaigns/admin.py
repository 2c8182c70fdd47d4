"""Notice campaigns in the admin: 編集者 prepare one for an announced version, 承認者 (another person) start,
stop and resume it; both follow its progress and download the postal list for the print vendor."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from consents.emails import notice_change_email, notice_change_summary
from core.admin import BadInputIs400Mixin, JobAdminMixin
from core.errors import error_page, staff_who_may
from customers.models import Policyholder

from .models import Campaign, PostalDownload
from .postal import postal_file, postal_filename
from .selectors import campaign_progress, recipients_forecast
from .services import (
    START_PERMISSION,
    campaign_prepare,
    campaign_resume,
    campaign_start,
    campaign_stop,
    eligible_problems,
    eligible_versions,
    postal_download_record,
)

SAMPLE_NAME = "見本 花子"
SAMPLE_EMAIL = "sample@example.com"


def start_refusal() -> str:
    """Why a staff member without the permission cannot start a campaign, and who can."""
    return _(
        "Under the two-person rule an editor prepares a notice campaign and another person, an approver (承認者), "
        "starts it. Your role does not include starting campaigns. Approvers who can start it: %(names)s."
    ) % {"names": staff_who_may(START_PERMISSION)}


class CampaignForm(forms.ModelForm):
    class Meta:
        model = Campaign
        fields = ["notice_version", "by_email", "by_post"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("notice_version")
        if field is not None:
            field.queryset = field.queryset.filter(pk__in=[version.pk for version in eligible_versions()])
            field.help_text = _(
                "Announced versions of the joint-use notice that change the purposes, the responsible party, the "
                "data items or the joint users, and have no campaign yet."
            )

    def clean(self):
        data = super().clean()
        if not (data.get("by_email") or data.get("by_post")):
            raise ValidationError(_("Choose email, post or both."))
        version = data.get("notice_version")
        if version is not None and self.instance.pk is None:
            problems = eligible_problems(version)
            if problems:
                raise ValidationError(problems)
        return data


@admin.register(Campaign)
class CampaignAdmin(JobAdminMixin, BadInputIs400Mixin, admin.ModelAdmin):
    form = CampaignForm
    list_display = [
        "notice_version", "status", "by_email", "by_post", "prepared_by", "started_by", "started_at",
        "email_recipients", "post_recipients", "finished_at", "last_error",
    ]
    list_filter = ["status"]
    list_select_related = ["notice_version__notice", "prepared_by", "started_by"]
    change_form_template = "campaigns/admin/campaign_change_form.html"

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["notice_version", "by_email", "by_post"]
        return [
            "notice_version", "by_email", "by_post", "status", "prepared_by", "prepared_at", "started_by",
            "started_at", "stopped_by", "stopped_at", "recipients_selected_at", "finished_at", "attempts",
            "last_error",
        ]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        fields = self.get_fields(request, obj)
        return [name for name in fields if name not in ("by_email", "by_post") or not obj.is_prepared]

    def has_change_permission(self, request, obj=None):
        # Only the channels of a campaign not started yet can change; after that it is a record.
        return super().has_change_permission(request, obj) and (obj is None or obj.is_prepared)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and obj is not None and obj.is_prepared

    def save_model(self, request, obj, form, change):
        # The preparer is whoever saved it last: the two-person rule compares the starter with them.
        saved = campaign_prepare(
            user=request.user, notice_version=form.cleaned_data.get("notice_version") or obj.notice_version,
            by_email=obj.by_email, by_post=obj.by_post, campaign=obj if change else None,
        )
        obj.pk, obj.prepared_by, obj.prepared_at = saved.pk, saved.prepared_by, saved.prepared_at

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as error:  # the service saw a change the form could not (another tab, a race)
            return error_page(request, status=409, message=" ".join(error.messages))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        campaign = self.get_object(request, unquote(object_id))
        extra_context = dict(extra_context or {})
        if campaign is not None:
            extra_context.update(self._panel(request, campaign))
        return super().change_view(request, object_id, form_url, extra_context=extra_context)

    def _panel(self, request, campaign: Campaign) -> dict:
        summary = notice_change_summary(campaign.notice_version)
        return {
            "campaign": campaign,
            "summary": summary,
            "progress": None if campaign.recipients_selected_at is None else campaign_progress(campaign),
            "downloads": campaign.postal_downloads.select_related("downloaded_by")[:50],
            "can_start": request.user.has_perm(START_PERMISSION),
            "can_download": request.user.has_perm("campaigns.download_postal_list"),
            "encodings": PostalDownload.Encoding.choices,
        }

    def get_urls(self):
        def view(function, name, route=None, methods=require_POST):
            return path(f"<path:object_id>/{route or name}/", self.admin_site.admin_view(methods(function)),
                        name=f"campaigns_campaign_{name}")

        return [
            # GET: the email as it will be sent and whom it reaches; POST with the confirmation: start.
            view(self.start_view, "start", methods=require_http_methods(["GET", "HEAD", "POST"])),
            view(self.stop_view, "stop"),
            view(self.resume_view, "resume"),
            view(self.postal_view, "postal", "postal/<str:encoding>"),
            *super().get_urls(),
        ]

    def _campaign(self, request, object_id) -> Campaign:
        if not self.has_view_permission(request):
            raise PermissionDenied
        campaign = self.get_object(request, unquote(object_id))
        if campaign is None:
            raise Http404(_("The campaign was not found."))
        return campaign

    def _act(self, request, object_id, service, done: str):
        campaign = self._campaign(request, object_id)
        try:
            service(campaign=campaign, user=request.user)
        except ValidationError as error:
            return error_page(request, status=409, message=" ".join(error.messages))
        self.log_change(request, campaign, done)
        messages.success(request, done)
        return redirect(reverse("admin:campaigns_campaign_change", args=[campaign.pk]))

    def start_view(self, request, object_id):
        """The email exactly as it will be sent (for a sample customer) and the number of customers it reaches,
        then the approver's confirmation: nothing starts on one click."""
        campaign = self._campaign(request, object_id)
        if not request.user.has_perm(START_PERMISSION):
            raise PermissionDenied(start_refusal())
        if request.method == "POST" and request.POST.get("confirm") == "yes":
            return self._act(request, object_id, campaign_start, _("The campaign was started."))
        if not campaign.is_prepared:
            if request.method == "POST":
                return error_page(request, status=409, message=_("This campaign has started already."))
            messages.info(request, _("This campaign has started already."))
            return redirect(reverse("admin:campaigns_campaign_change", args=[campaign.pk]))
        status, error = 200, None
        if request.method == "POST":
            status, error = 400, _("Tick the box to confirm that you have read the email and start the campaign.")
        # Not a customer of ours: a sample whose name shows where each customer's own name goes.
        sample = Policyholder(name=SAMPLE_NAME, email=SAMPLE_EMAIL)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": campaign,
            "campaign": campaign,
            "title": _("Start the campaign"),
            "summary": notice_change_summary(campaign.notice_version),
            "message": notice_change_email(policyholder=sample, version=campaign.notice_version),
            "sample": sample,
            "forecast": recipients_forecast(campaign),
            "two_person": campaign.prepared_by_id == request.user.pk,
            "error": error,
        }
        return TemplateResponse(request, "campaigns/admin/campaign_start.html", context, status=status)

    def stop_view(self, request, object_id):
        return self._act(request, object_id, campaign_stop, _("The campaign was stopped."))

    def resume_view(self, request, object_id):
        return self._act(request, object_id, campaign_resume, _("The campaign was resumed."))

    def postal_view(self, request, object_id, encoding: str):
        campaign = self._campaign(request, object_id)
        try:
            postal_download_record(campaign=campaign, user=request.user, encoding=encoding)
        except ValidationError as error:
            return error_page(request, status=409 if error.code != "encoding" else 400,
                              message=" ".join(error.messages))
        self.log_change(request, campaign, _("Postal list downloaded."))
        response = StreamingHttpResponse(
            postal_file(campaign, encoding=encoding),
            content_type=f"text/csv; charset={'shift_jis' if encoding == 'cp932' else 'utf-8'}",
        )
        response["Content-Disposition"] = f'attachment; filename="{postal_filename(campaign, encoding=encoding)}"'
        return response

