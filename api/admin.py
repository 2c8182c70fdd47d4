from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from consents.selectors import marketing_companies

from .auth import api_clients_changed
from .models import ApiClient


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    list_display = ["name", "token_hint", "company_names", "created_at", "last_used_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter), "companies"]
    search_fields = ["name", "token_prefix"]
    filter_horizontal = ["companies"]
    readonly_fields = ["token_hint", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("companies")

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["name", "companies"]
        return ["name", "companies", *self.readonly_fields]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "companies":
            kwargs["queryset"] = marketing_companies()
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    @admin.display(description=_("token"))
    def token_hint(self, obj):
        return obj.token_hint

    @admin.display(description=_("companies"))
    def company_names(self, obj):
        return "、".join(company.short_name for company in obj.companies.all())

    def has_delete_permission(self, request, obj=None):
        # A client is revoked, never deleted: its name must stay readable next to what it did.
        return False

    def save_model(self, request, obj, form, change):
        if not change:
            request.new_api_token = obj.issue_token()
        super().save_model(request, obj, form, change)

    def response_add(self, request, obj, post_url_continue=None):
        # The token is shown on this one page and kept nowhere: not in a message, cookie or session.
        token = getattr(request, "new_api_token", None)
        if token is None:
            return super().response_add(request, obj, post_url_continue)
        context = {
            **self.admin_site.each_context(request),
            "title": _("API token of %(name)s") % {"name": obj.name},
            "opts": self.opts,
            "client": obj,
            "token": token,
        }
        return TemplateResponse(request, "admin/api/apiclient/token_created.html", context)

    @admin.action(description=_("Revoke the tokens of the selected clients"), permissions=["change"])
    def revoke(self, request, queryset):
        count = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        api_clients_changed()
        self.message_user(
            request,
            ngettext("Revoked %(count)d token.", "Revoked %(count)d tokens.", count) % {"count": count},
            messages.SUCCESS,
        )
