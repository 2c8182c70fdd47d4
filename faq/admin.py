from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin import BadInputIs400Mixin

from .models import FaqEntry


@admin.register(FaqEntry)
class FaqEntryAdmin(BadInputIs400Mixin, admin.ModelAdmin):
    list_display = ("number", "short_question", "category", "notice", "published", "order")
    list_display_links = ("number", "short_question")
    list_filter = ("published", "category", "notice")
    search_fields = ("question", "answer", "category")
    list_select_related = ("notice",)
    ordering = ("order", "number")

    @admin.display(description=_("question"), ordering="question")
    def short_question(self, entry: FaqEntry) -> str:
        return entry.question[:60]
