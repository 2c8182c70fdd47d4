from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.admin import ReadOnlyAdminMixin
from core.spreadsheet import csv_download, csv_lines

from ..models import PublicationRefusal


@admin.register(PublicationRefusal)
class PublicationRefusalAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Refused publication attempts: read-only for everyone, exportable as CSV."""

    list_display = ("attempted_at", "version_label", "attempted_by", "reason_summary")
    list_filter = ("attempted_at",)
    search_fields = ("version_label", "attempted_by__username")
    list_select_related = ("attempted_by",)
    fields = ("version", "version_label", "attempted_by", "attempted_at", "reason_list", "content_fingerprint")
    readonly_fields = fields
    actions = ["export_csv"]

    @admin.display(description=gettext_lazy("reasons"))
    def reason_summary(self, refusal: PublicationRefusal) -> str:
        return " / ".join(reason["message"] for reason in refusal.reasons)[:200]

    @admin.display(description=gettext_lazy("reasons"))
    def reason_list(self, refusal: PublicationRefusal) -> str:
        return "\n".join(f"・{reason['message']}" for reason in refusal.reasons)

    @admin.action(description=gettext_lazy("Export the selected refusals as CSV"), permissions=["view"])
    def export_csv(self, request, queryset):
        header = [_("Date and time"), _("Version"), _("Staff member"), _("Reasons")]
        rows = (
            [
                timezone.localtime(refusal.attempted_at).strftime("%Y-%m-%d %H:%M:%S"),
                refusal.version_label,
                refusal.attempted_by.get_username(),
                "\n".join(reason["message"] for reason in refusal.reasons),
            ]
            for refusal in queryset.select_related("attempted_by")
        )
        return csv_download(csv_lines(header, rows), name="refused-publications")
