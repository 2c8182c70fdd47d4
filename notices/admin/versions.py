from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.admin import BadInputIs400Mixin
from core.dates import today_in_tokyo, wareki

from ..compare import comparison_context
from ..models import DataItem, JointUser, NoticeVersion, Purpose, Section
from ..rules import check_publication
from ..sensitive import sensitive_categories
from ..services import (
    PUBLISH_PERMISSION,
    ContentChanged,
    PublicationRefused,
    WithdrawalRefused,
    notice_version_publish,
    notice_version_withdraw,
)


class DraftOnlyInlineMixin:
    """The rows of a published version are shown, never added, changed or deleted."""

    extra = 0

    def has_add_permission(self, request, obj=None):
        return not (obj is not None and obj.is_published) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not (obj is not None and obj.is_published) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not (obj is not None and obj.is_published) and super().has_delete_permission(request, obj)


class DataItemInline(DraftOnlyInlineMixin, admin.TabularInline):
    model = DataItem
    fields = ("order", "text", "sensitive")


class JointUserInline(DraftOnlyInlineMixin, admin.TabularInline):
    model = JointUser
    fields = ("order", "company")


class PurposeInline(DraftOnlyInlineMixin, admin.TabularInline):
    model = Purpose
    fields = ("order", "text")


class RetainedDataPurposeInline(PurposeInline):
    verbose_name = gettext_lazy("purpose of use")
    verbose_name_plural = gettext_lazy("Purposes of use")


class SectionInline(DraftOnlyInlineMixin, admin.StackedInline):
    model = Section
    fields = ("order", "topic", "heading", "body", "lists_joint_users")


class PublishForm(forms.Form):
    publication_ground = forms.ChoiceField(
        label=gettext_lazy("ground for changing the data items or joint users"),
        choices=[("", "—")] + NoticeVersion.Ground.choices,
        required=False,
        help_text=gettext_lazy("Required when this version changes the data items or the scope of joint users."),
    )
    publication_ground_note = forms.CharField(
        label=gettext_lazy("note on the ground"), widget=forms.Textarea(attrs={"rows": 3}), required=False,
        max_length=2000,
    )
    legal_signoff_note = forms.CharField(
        label=gettext_lazy("legal sign-off note"), widget=forms.Textarea(attrs={"rows": 3}), required=False,
        max_length=2000,
        help_text=gettext_lazy("Required when this version changes the purposes or the responsible party."),
    )
    # What the approver was shown: publishing refuses if the draft has changed since.
    reviewed_fingerprint = forms.CharField(widget=forms.HiddenInput, max_length=64)


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("reason for the withdrawal"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000,
        help_text=gettext_lazy("Kept with the version in the admin, with who withdrew it and when."),
    )


def _against_predecessor(version: NoticeVersion, content: dict) -> dict:
    """The 新旧対照表 context of `content` against the version it replaces (the published one before it by date)."""
    other = NoticeVersion.objects.preceding(version).first()
    return {"other": other, **(comparison_context(content, other.content) if other is not None else {})}


@admin.register(NoticeVersion)
class NoticeVersionAdmin(BadInputIs400Mixin, admin.ModelAdmin):
    list_display = ("notice", "effective_date", "status", "published_at", "published_by", "last_edited_by")
    list_filter = ("status", "notice")
    search_fields = ("notice__title", "change_summary")
    list_select_related = ("notice", "published_by", "last_edited_by")
    date_hierarchy = "effective_date"
    ordering = ("notice", "-effective_date")
    readonly_fields = (
        "status", "published_at", "published_by", "last_edited_by", "withdrawn_at", "withdrawn_by", "withdrawal_reason",
    )
    fieldsets = [
        (None, {"fields": ("notice", "effective_date", "status", "change_summary")}),
        (gettext_lazy("Statutory items"), {"fields": (
            "introduction", "joint_users_scope", "joint_users_note", "responsible_party_name",
            "responsible_party_address", "responsible_party_representative", "notes",
        )}),
        (gettext_lazy("Grounds and legal sign-off"), {"fields": (
            "publication_ground", "publication_ground_note", "consent_method", "consent_count",
            "predecessor_company", "successor_company", "legal_signoff_note",
        )}),
        (gettext_lazy("Publication"), {"fields": ("published_at", "published_by", "last_edited_by")}),
        (gettext_lazy("Withdrawal"), {"fields": ("withdrawn_at", "withdrawn_by", "withdrawal_reason")}),
    ]
    # A page of items on retained personal data (APPI Art. 32(1)): the business in the responsible party's fields,
    # its purposes of use, and sections that each give a statutory item; none of the joint use's own fields.
    retained_data_fieldsets = [
        (None, {"fields": ("notice", "effective_date", "status", "change_summary")}),
        (gettext_lazy("Name, address and representative of the business"), {
            "fields": ("introduction", "responsible_party_name", "responsible_party_address",
                       "responsible_party_representative", "notes"),
            "description": gettext_lazy(
                "Give the business in the responsible party's fields, its purposes of use below, and a section for "
                "each statutory item (procedure for requests, security control measures, where to make a complaint, "
                "accredited personal information protection organization)."
            ),
        }),
        (gettext_lazy("Publication"), {"fields": ("published_at", "published_by", "last_edited_by")}),
        (gettext_lazy("Withdrawal"), {"fields": ("withdrawn_at", "withdrawn_by", "withdrawal_reason")}),
    ]
    inlines = [DataItemInline, JointUserInline, PurposeInline, SectionInline]
    # No bulk publication: an approver publishes one version at a time, having seen its content.
    actions = None

    def get_fieldsets(self, request, obj=None):
        if obj is not None and obj.notice.is_retained_data:
            return self.retained_data_fieldsets
        return super().get_fieldsets(request, obj)

    def get_inlines(self, request, obj):
        if obj is not None and obj.notice.is_retained_data:
            return [RetainedDataPurposeInline, SectionInline]
        return super().get_inlines(request, obj)

    # A published version can be superseded, never edited or deleted: the change view shows it read-only,
    # and Django refuses a POST (403) when these say no, whatever the form contains.
    def has_change_permission(self, request, obj=None):
        return not (obj is not None and not obj.is_draft) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not (obj is not None and not obj.is_draft) and super().has_delete_permission(request, obj)

    def has_publish_permission(self, request):
        return request.user.has_perm(PUBLISH_PERMISSION)

    def save_model(self, request, obj, form, change):
        # Rule 5 needs the last editor: whoever saves the draft form, with or without inline changes.
        obj.last_edited_by = request.user
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Warned at once, refused at publication: 機微情報 is found from the words, whatever the checkbox says.
        for item in form.instance.data_items.all():
            categories = sensitive_categories(item.text)
            if categories:
                messages.warning(request, _(
                    "The data item “%(item)s” names sensitive information (%(categories)s). Such information is "
                    "never used jointly (Article 5 of the financial-sector guidelines): this version cannot be "
                    "published with it."
                ) % {"item": item.text[:40], "categories": "、".join(categories)})

    def delete_queryset(self, request, queryset):
        if queryset.exclude(status=NoticeVersion.Status.DRAFT).exists():
            raise PermissionDenied(_("A published version cannot be deleted."))
        super().delete_queryset(request, queryset)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        version = self.get_object(request, unquote(object_id))
        extra_context = {
            **(extra_context or {}),
            "can_publish": self.has_publish_permission(request),
            "is_announced": version is not None and version.is_published
            and version.effective_date > today_in_tokyo(),
        }
        return super().change_view(request, object_id, form_url, extra_context=extra_context)

    def get_urls(self):
        def view(function, name):
            return path(f"<path:object_id>/{name}/", self.admin_site.admin_view(function),
                        name=f"notices_noticeversion_{name}")

        return [
            view(self.preview_view, "preview"),
            view(self.compare_view, "compare"),
            view(self.publish_view, "publish"),
            view(self.withdraw_view, "withdraw"),
            *super().get_urls(),
        ]

    def _version_or_404(self, request, object_id) -> NoticeVersion:
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        version = self.get_object(request, unquote(object_id))
        if version is None:
            raise Http404(_("The notice version was not found."))
        return version

    def _context(self, request, version: NoticeVersion, title: str) -> dict:
        return {**self.admin_site.each_context(request), "opts": self.opts, "original": version, "title": title}

    def preview_view(self, request, object_id):
        """The version exactly as customers will see it: the public page's template and stylesheet."""
        version = self._version_or_404(request, object_id)
        context = {
            "notice": version.notice,
            "version": version,
            "content": version.content,
            "is_in_force_today": True,
            "faq_entries": version.notice.faq_entries.published(),
            "admin_url": reverse("admin:notices_noticeversion_change", args=[version.pk]),
        }
        return TemplateResponse(request, "notices/preview.html", context)

    def compare_view(self, request, object_id):
        """A version against the one it replaces: the published version before it by effective date."""
        version = self._version_or_404(request, object_id)
        context = self._context(request, version, _("Comparison of old and new versions"))
        context.update(_against_predecessor(version, version.content))
        return TemplateResponse(request, "admin/notices/noticeversion/compare.html", context)

    def publish_view(self, request, object_id):
        """The whole draft as customers will see it, its 新旧対照表 against the version it replaces, every rule it
        fails as it stands, and the form. The form carries the fingerprint of the content shown."""
        version = self._version_or_404(request, object_id)
        if not self.has_publish_permission(request):
            raise PermissionDenied(_("Only an approver can publish a notice version."))
        if not version.is_draft:
            messages.info(request, _("This version is not a draft: there is nothing to publish."))
            return redirect(reverse("admin:notices_noticeversion_change", args=[version.pk]))
        status, content_changed = 200, False
        if request.method == "POST":
            form = PublishForm(request.POST)
            if form.is_valid():
                data = form.cleaned_data
                try:
                    notice_version_publish(
                        version=version,
                        user=request.user,
                        reviewed_fingerprint=data["reviewed_fingerprint"],
                        ground=data["publication_ground"],
                        ground_note=data["publication_ground_note"],
                        legal_signoff_note=data["legal_signoff_note"],
                    )
                except ContentChanged as refused:
                    failures, status, content_changed = refused.failures, 409, True
                except PublicationRefused as refused:
                    failures, status = refused.failures, 400
                else:
                    self.log_change(request, version, _("Published."))
                    messages.success(request, _("The version was published. It takes effect on %(date)s.")
                                     % {"date": wareki(version.effective_date)})
                    return redirect(reverse("admin:notices_noticeversion_change", args=[version.pk]))
            else:
                failures, status = [], 400
            version.refresh_from_db()
        else:
            form = None
        content = version.build_content()
        if form is None:
            # A dry run with what the draft holds now, so the approver sees every problem before trying.
            failures = check_publication(
                version, user=request.user, today=today_in_tokyo(), ground=version.publication_ground,
                ground_note=version.publication_ground_note, legal_signoff_note=version.legal_signoff_note,
                content=content,
            )
        fingerprint = version.content_fingerprint(content)
        if form is None or content_changed:
            # A fresh form for what is shown now: a changed draft must be reviewed again before it is published.
            data = form.cleaned_data if form is not None else {
                "publication_ground": version.publication_ground,
                "publication_ground_note": version.publication_ground_note,
                "legal_signoff_note": version.legal_signoff_note,
            }
            form = PublishForm(initial={**data, "reviewed_fingerprint": fingerprint})
        context = self._context(request, version, _("Publish this version"))
        context.update({
            "form": form,
            "failures": failures,
            "is_post": request.method == "POST",
            "content_changed": content_changed,
            "content": content,
            "version": version,
            **_against_predecessor(version, content),
        })
        return TemplateResponse(request, "admin/notices/noticeversion/publish.html", context, status=status)

    def withdraw_view(self, request, object_id):
        """Withdraw an announced version before its effective date, with a reason."""
        version = self._version_or_404(request, object_id)
        if not self.has_publish_permission(request):
            raise PermissionDenied(_("Only an approver can withdraw a notice version."))
        status, error = 200, None
        form = WithdrawForm(request.POST if request.method == "POST" else None)
        if request.method == "POST":
            if form.is_valid():
                try:
                    notice_version_withdraw(version=version, user=request.user, reason=form.cleaned_data["reason"])
                except WithdrawalRefused as refused:
                    error, status = str(refused), 400
                else:
                    self.log_change(request, version, _("Withdrawn: %(reason)s") % form.cleaned_data)
                    messages.success(request, _("The version was withdrawn. Its announcement is no longer shown."))
                    return redirect(reverse("admin:notices_noticeversion_change", args=[version.pk]))
            else:
                status = 400
        context = self._context(request, version, _("Withdraw this version"))
        context.update({"form": form, "error": error})
        return TemplateResponse(request, "admin/notices/noticeversion/withdraw.html", context, status=status)
