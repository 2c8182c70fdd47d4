"""The audit trail in the admin: read-only for everyone, superusers included, with Japanese field names
and a CSV export of what the list shows."""

from auditlog.models import LogEntry
from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.contenttypes.models import ContentType
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.admin import ChangelistCsvMixin, ReadOnlyAdminMixin

from .display import field_changes, kind_of
from .export import entries_csv_rows

# Importing auditlog's models made its own admin register; ours replaces it.
if admin.site.is_registered(LogEntry):
    admin.site.unregister(LogEntry)


class KindFilter(admin.SimpleListFilter):
    title = gettext_lazy("kind of object")
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        ids = LogEntry.objects.values_list("content_type_id", flat=True).distinct().order_by()
        kinds = []
        for content_type in ContentType.objects.filter(pk__in=ids):
            model = content_type.model_class()
            kinds.append((str(content_type.pk), model._meta.verbose_name if model else content_type.model))
        return sorted(kinds, key=lambda kind: str(kind[1]))

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset
        if not value.isdigit():
            raise IncorrectLookupParameters(value)
        return queryset.filter(content_type_id=int(value))


@admin.register(LogEntry)
class AuditLogEntryAdmin(ChangelistCsvMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("timestamp", "actor", "kind", "object_repr", "action", "summary")
    list_display_links = ("timestamp",)
    list_filter = ("action", KindFilter)
    search_fields = ("object_repr", "actor__username")
    list_select_related = ("content_type", "actor")
    date_hierarchy = "timestamp"
    ordering = ("-timestamp", "-id")
    fields = ("timestamp", "actor", "kind", "object_repr", "object_id", "action", "remote_addr", "cid", "detail")
    readonly_fields = fields
    change_list_template = "audit/admin/logentry_change_list.html"
    csv_name = "audit-trail"
    actions = None
    show_full_result_count = False

    @admin.display(description=gettext_lazy("kind of object"), ordering="content_type")
    def kind(self, entry: LogEntry) -> str:
        return kind_of(entry)

    @admin.display(description=gettext_lazy("changes made"))
    def summary(self, entry: LogEntry):
        return format_html_join(
            "", "<div>{}：{} → {}</div>",
            ((row.label, Truncator(row.old).chars(40), Truncator(row.new).chars(40)) for row in field_changes(entry)),
        )

    @admin.display(description=gettext_lazy("changes made"))
    def detail(self, entry: LogEntry):
        rows = format_html_join(
            "", "<tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td></tr>",
            ((row.label, row.old, row.new) for row in field_changes(entry)),
        )
        return format_html(
            "<table><thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr>"
            "</thead><tbody>{}</tbody></table>",
            _("Item changed"), _("Before"), _("After"), rows,
        )

    def csv_lines(self, queryset):
        return entries_csv_rows(queryset.select_related("content_type", "actor").order_by("timestamp", "id"))
