from django.contrib import admin
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from approvals.admin import TwoPersonAdminMixin
from core.admin import BadInputIs400Mixin

from .models import FaqEntry

CONTENT = ("number", "question", "answer", "category", "notice", "order", "published")


@admin.register(FaqEntry)
class FaqEntryAdmin(TwoPersonAdminMixin, BadInputIs400Mixin, admin.ModelAdmin):
    list_display = ("number", "short_question", "category", "notice", "published", "order")
    list_display_links = ("number", "short_question")
    list_filter = ("published", "category", "notice")
    search_fields = ("question", "answer", "category")
    list_select_related = ("notice",)
    ordering = ("order", "number")
    # FAQ answers are public statements on how data is handled: every field of a published entry changes
    # only when another person approves. A new entry starts unpublished; publishing it is a proposal.
    protected_fields = CONTENT
    held_back_on_add = {"published": False}

    def protected_fields_for(self, entry: FaqEntry):
        # Nobody sees an unpublished entry: its text is drafted freely, and publishing it is the proposal.
        return CONTENT if entry.published else ("published",)

    def proposal_fields_for(self, entry: FaqEntry, changed: set[str]) -> set[str]:
        # Publishing carries the whole entry, so the approver approves exactly the text that goes public.
        return set(CONTENT) if not entry.published and "published" in changed else changed

    def deletion_refused(self, entry: FaqEntry) -> str | None:
        if entry.published:
            return _("A published FAQ entry cannot be deleted directly. Propose unpublishing it; once another "
                     "person approves, it can be deleted.")
        return None

    @admin.display(description=gettext_lazy("question"), ordering="question")
    def short_question(self, entry: FaqEntry) -> str:
        return entry.question[:60]
