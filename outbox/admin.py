"""Every customer email and what became of it. Read-only; one given up after its last attempt can be sent
again (with the address the customer has now)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin import CustomerNumberColumn, JobAdminMixin, ReadOnlyAdminMixin

from .kinds import KINDS, kind_label
from .models import OutgoingEmail


class KindFilter(admin.SimpleListFilter):
    title = _("kind")
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        return [(code, kind.label) for code, kind in KINDS.items()]

    def queryset(self, request, queryset):
        return queryset.filter(kind=self.value()) if self.value() else queryset


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(JobAdminMixin, CustomerNumberColumn, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "queued_at", "kind_name", "customer_number", "status", "attempts", "last_error", "next_attempt_at", "sent_at",
    ]
    list_filter = ["status", KindFilter, "queued_at"]
    search_fields = ["=policyholder__customer_number", "=receipt__number"]
    list_select_related = ["policyholder"]
    fields = ["queued_at", "kind_name", "policyholder", "status", "attempts", "last_error", "next_attempt_at",
              "sent_at"]
    readonly_fields = fields
    show_full_result_count = False

    @admin.display(description=_("kind"), ordering="kind")
    def kind_name(self, obj):
        return kind_label(obj.kind)
