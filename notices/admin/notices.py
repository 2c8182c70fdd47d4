from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.admin import BadInputIs400Mixin
from core.dates import today_in_tokyo

from ..models import Notice
from ..services import notice_version_create_draft


@admin.register(Notice)
class NoticeAdmin(BadInputIs400Mixin, admin.ModelAdmin):
    list_display = ("title", "slug", "kind", "company", "version_in_force")
    list_filter = ("kind",)
    search_fields = ("title", "slug")
    list_select_related = ("company",)
    ordering = ("display_order", "id")

    def get_readonly_fields(self, request, obj=None):
        # Published URLs (emails, API answers) carry the slug, and the kind decides which legal
        # rules apply: neither may change once a version is out.
        if obj is not None and obj.versions.published().exists():
            return ("slug", "kind")
        return ()

    @admin.display(description=gettext_lazy("version in force"))
    def version_in_force(self, notice: Notice):
        version = notice.versions.in_force(on=today_in_tokyo()).first()
        return version.effective_date if version else "—"

    def get_urls(self):
        return [
            path(
                "<path:object_id>/create-draft/",
                self.admin_site.admin_view(self.create_draft_view),
                name="notices_notice_create_draft",
            ),
            *super().get_urls(),
        ]

    def create_draft_view(self, request, object_id):
        """「新しい版を作成」: a POST, since it writes; the service checks the permission."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        notice = self.get_object(request, unquote(object_id))
        if notice is None:
            raise Http404(_("The notice was not found."))
        draft = notice_version_create_draft(notice=notice, user=request.user)
        self.log_addition(request, draft, _("Created a draft from the latest published version."))
        messages.success(request, _("A new draft was created from the latest published version, an announced one "
                                    "included. Edit it, then ask an approver to publish it."))
        return redirect(reverse("admin:notices_noticeversion_change", args=[draft.pk]))
