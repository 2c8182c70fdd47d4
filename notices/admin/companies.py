from django.contrib import admin
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from approvals.admin import TwoPersonAdminMixin
from core.admin import BadInputIs400Mixin

from ..models import Company


@admin.register(Company)
class CompanyAdmin(TwoPersonAdminMixin, BadInputIs400Mixin, admin.ModelAdmin):
    # What /companies/, the preference matrix (the short name is what a screen reader announces), the
    # API's marketing companies and the policyholder import (which matches companies by either name) read.
    # Kana (a search aid) and the display order (the order of lists) save at once.
    protected_fields = (
        "legal_name", "short_name", "role", "corporate_number", "address", "representative_title",
        "representative_name", "website", "markets_to_customers",
    )
    held_back_on_add = {"markets_to_customers": False}
    list_display = ("legal_name", "short_name", "role", "corporate_number", "markets_to_customers", "display_order")
    list_filter = ("role", "markets_to_customers")
    search_fields = ("legal_name", "short_name", "kana", "corporate_number")
    ordering = ("display_order", "id")
    fieldsets = [
        (None, {"fields": ("legal_name", "short_name", "kana", "role", "corporate_number")}),
        (gettext_lazy("Address and representative"),
         {"fields": ("address", "representative_title", "representative_name", "website")}),
        (gettext_lazy("Display"), {"fields": ("display_order", "markets_to_customers")}),
    ]

    def deletion_refused(self, company: Company) -> str | None:
        if company.markets_to_customers:
            return _("A company that markets to customers cannot be deleted: marketing systems ask about it. "
                     "Propose turning off “markets to customers” first; once that is approved, it can be deleted.")
        return None
