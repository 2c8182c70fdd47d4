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

from ..compare import comparison_context
from ..models import DataItem, JointUser, NoticeVersion, Purpose, Section, today_in_tokyo
from ..rules import check_publication
from ..services import PUBLISH_PERMISSION, PublicationRefused, notice_version_publish


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


class SectionInline(DraftOnlyInlineMixin, admin.StackedInline):
    model = Section
    fields = ("order", "heading", "body", "lists_joint_users")


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


def _publish(version: NoticeVersion, user, data: dict) -> NoticeVersion:
    return notice_version_publish(
        version=version,
        user=user,
        ground=data["publication_ground"],
        ground_note=data["publication_ground_note"],
        legal_signoff_note=data["legal_signoff_note"],
    )


@admin.register(NoticeVersion)
class NoticeVersionAdmin(BadInputIs400Mixin, admin.ModelAdmin):
    list_display = ("notice", "effective_date", "status", "published_at", "published_by", "last_edited_by")
    list_filter = ("status", "notice")
    search_fields = ("notice__title", "change_summary")
    list_select_related = ("notice", "published_by", "last_edited_by")
    date_hierarchy = "effective_date"
    ordering = ("notice", "-effective_date")
    readonly_fields = ("status", "published_at", "published_by", "last_edited_by")
    fieldsets = [
        (None, {"fields": ("notice", "effective_date", "status", "change_summary")}),
        (gettext_lazy("Statutory items"), {"fields": (
            "introduction", "joint_users_scope", "joint_users_note", "responsible_party_name",
            "responsible_party_address", "responsible_party_representative", "notes",
        )}),
        (gettext_lazy("Grounds and legal sign-off"), {"fields": (
            "publication_ground", "publication_ground_note", "legal_signoff_note",
        )}),
        (gettext_lazy("Publication"), {"fields": ("published_at", "published_by", "last_edited_by")}),
    ]
    inlines = [DataItemInline, JointUserInline, PurposeInline, SectionInline]
    actions = ["publish_selected"]

    # A published version can be superseded, never edited or deleted: the change view shows it read-only,
    # and Django refuses a POST (403) when these say no, whatever the form contains.
    def has_change_permission(self, request, obj=None):
        return not (obj is not None and obj.is_published) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not (obj is not None and obj.is_published) and super().has_delete_permission(request, obj)

    def has_publish_permission(self, request):
        return request.user.has_perm(PUBLISH_PERMISSION)

    def save_model(self, request, obj, form, change):
        # Rule 5 needs the last editor: whoever saves the draft form, with or without inline changes.
        obj.last_edited_by = request.user
        super().save_model(request, obj, form, change)

    def delete_queryset(self, request, queryset):
        if queryset.published().exists():
            raise PermissionDenied(_("A published version cannot be deleted."))
        super().delete_queryset(request, queryset)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "can_publish": self.has_publish_permission(request)}
        return super().change_view(request, object_id, form_url, extra_context=extra_context)

    @admin.action(description=gettext_lazy("Publish the selected drafts"), permissions=["publish"])
    def publish_selected(self, request, queryset):
        for version in queryset.select_related("notice"):
            data = {
                "publication_ground": version.publication_ground,
                "publication_ground_note": version.publication_ground_note,
                "legal_signoff_note": version.legal_signoff_note,
            }
            try:
                _publish(version, request.user, data)
            except PublicationRefused as refused:
                failures = " ".join(failure.message for failure in refused.failures)
                self.message_user(request, _("%(version)s was not published: %(failures)s")
                                  % {"version": version, "failures": failures}, messages.ERROR)
            else:
                self.log_change(request, version, _("Published."))
                self.message_user(request, _("%(version)s was published.") % {"version": version}, messages.SUCCESS)

    def get_urls(self):
        def view(function, name):
            return path(f"<path:object_id>/{name}/", self.admin_site.admin_view(function),
                        name=f"notices_noticeversion_{name}")

        return [
            view(self.preview_view, "preview"),
            view(self.compare_view, "compare"),
            view(self.publish_view, "publish"),
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
        """A draft against the version in force today; a published version against the one it revised."""
        version = self._version_or_404(request, object_id)
        if version.is_published:
            other = NoticeVersion.objects.preceding(version).first()
        else:
            other = version.notice.versions.in_force(on=today_in_tokyo()).first()
        context = self._context(request, version, _("Comparison of old and new versions"))
        context["other"] = other
        if other is not None:
            context.update(comparison_context(version.content,
                                              other.content))
        return TemplateResponse(request, "admin/notices/noticeversion/compare.html", context)

    def publish_view(self, request, object_id):
        version = self._version_or_404(request, object_id)
        if not self.has_publish_permission(request):
            raise PermissionDenied(_("Only an approver can publish a notice version."))
        status = 200
        if request.method == "POST":
            form = PublishForm(request.POST)
            if form.is_valid():
                try:
                    _publish(version, request.user, form.cleaned_data)
                except PublicationRefused as refused:
                    failures, status = refused.failures, 400
                else:
                    self.log_change(request, version, _("Published."))
                    messages.success(request, _("The version was published. It takes effect on %(date)s.")
                                     % {"date": version.effective_date.isoformat()})
                    return redirect(reverse("admin:notices_noticeversion_change", args=[version.pk]))
            else:
                failures, status = [], 400
        else:
            form = PublishForm(initial={
                "publication_ground": version.publication_ground,
                "publication_ground_note": version.publication_ground_note,
                "legal_signoff_note": version.legal_signoff_note,
            })
            # A dry run with what the draft holds now, so the approver sees every problem before trying.
            failures = check_publication(
                version, user=request.user, today=today_in_tokyo(), ground=version.publication_ground,
                ground_note=version.publication_ground_note, legal_signoff_note=version.legal_signoff_note,
            )
        context = self._context(request, version, _("Publish this version"))
        context.update({"form": form, "failures": failures, "is_post": request.method == "POST"})
        return TemplateResponse(request, "admin/notices/noticeversion/publish.html", context, status=status)
