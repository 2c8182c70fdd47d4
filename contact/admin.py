import unicodedata

from django import forms
from django.contrib import admin
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from approvals.admin import TwoPersonAdminMixin
from core.admin import BadInputIs400Mixin

from .models import ContactWindow

CONTENT = (
    "company", "name", "phone", "hours", "postal_code", "address", "form_url", "note", "display_order", "published",
)
# Characters staff type for a hyphen in a phone number or postal code; NFKC does not fold all of them.
HYPHENS = str.maketrans(dict.fromkeys("‐‑‒–—―−ーｰ", "-"))


def _half_width(value: str) -> str:
    return unicodedata.normalize("NFKC", value).translate(HYPHENS).replace(" ", "")


class ContactWindowForm(forms.ModelForm):
    """Phone numbers and postal codes as staff type them (full-width digits, a long dash) are stored
    half-width, so that the proposal, the page and the tel: link agree."""

    def clean_phone(self):
        return _half_width(self.cleaned_data["phone"])

    def clean_postal_code(self):
        return _half_width(self.cleaned_data["postal_code"])


@admin.register(ContactWindow)
class ContactWindowAdmin(TwoPersonAdminMixin, BadInputIs400Mixin, admin.ModelAdmin):
    form = ContactWindowForm
    list_display = ("name", "company", "phone", "hours", "published", "display_order")
    list_display_links = ("name",)
    list_filter = ("published", "company")
    search_fields = ("name", "phone", "address", "company__legal_name", "company__short_name")
    list_select_related = ("company",)
    ordering = ("company__display_order", "company_id", "display_order", "id")
    fieldsets = [
        (None, {"fields": ("company", "name", "phone", "hours")}),
        (gettext_lazy("By post"), {"fields": ("postal_code", "address")}),
        (gettext_lazy("Display"), {"fields": ("form_url", "note", "display_order", "published")}),
    ]
    # Customers phone and write to what /contact/ shows: every field of a published window changes only
    # when another person approves. A new window starts unpublished; publishing it is a proposal.
    protected_fields = CONTENT
    held_back_on_add = {"published": False}

    def protected_fields_for(self, window: ContactWindow):
        # Nobody sees an unpublished window: it is drafted freely, and publishing it is the proposal.
        return CONTENT if window.published else ("published",)

    def proposal_fields_for(self, window: ContactWindow, changed: set[str]) -> set[str]:
        # Publishing carries the whole window, so the approver approves exactly what goes public.
        return set(CONTENT) if not window.published and "published" in changed else changed

    def deletion_refused(self, window: ContactWindow) -> str | None:
        if window.published:
            return _("A published inquiry window cannot be deleted directly. Propose unpublishing it; once another "
                     "person approves, it can be deleted.")
        return None
