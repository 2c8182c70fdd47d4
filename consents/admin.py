"""Staff (顧客対応) look customers up, see their preferences and history, and record a change the
customer asked for by phone or on paper. Consent events are evidence: nobody may add, edit or delete
them here, not even a superuser."""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.admin import ChangelistCsvMixin, CustomerNumberColumn, ReadOnlyAdminMixin
from core.clientaddress import client_ip
from customers.models import Policy, Policyholder

from .checkpoints import CheckpointError, checkpoint_paths, checkpoint_read
from .export import events_csv_rows
from .forms import StaffPreferencesForm
from .models import Channel, ConsentEvent, NoticeRecord, Source
from .selectors import preference_matrix
from .services import preferences_update

RECENT_EVENTS = 20
CHECKPOINTS_SHOWN = 60



@admin.register(Channel)
class ChannelAdmin(admin.ModelAdmin):
    """Names and order may change; the code and the email opt-in rule may not."""

    list_display = ["name", "code", "default_allowed", "display_order"]
    list_editable = ["display_order"]
    fields = ["code", "name", "default_allowed", "display_order"]
    readonly_fields = ["code", "default_allowed"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PolicyInline(admin.TabularInline):
    model = Policy
    extra = 0
    fields = ["company", "policy_number", "product"]


@admin.register(Policyholder)
class PolicyholderAdmin(admin.ModelAdmin):
    list_display = ["customer_number", "name", "kana", "email", "birth_date"]
    search_fields = ["=customer_number", "name", "kana", "email"]
    inlines = [PolicyInline]
    readonly_fields = ["current_preferences", "recent_events", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["customer_number", "name", "kana", "email", "birth_date"]}),
        (gettext_lazy("Postal address"), {"fields": ["postal_code", "address1", "address2"]}),
        (gettext_lazy("Marketing preferences"), {"fields": ["current_preferences", "recent_events"]}),
        (None, {"fields": ["created_at", "updated_at"]}),
    ]
    change_form_template = "consents/admin/policyholder_change_form.html"

    def get_urls(self):
        return [
            path(
                "<path:object_id>/preferences/",
                self.admin_site.admin_view(self.record_change_view),
                name="customers_policyholder_record_change",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        if request.user.has_perm("consents.record_preference_change"):
            extra_context["record_change_url"] = reverse(
                "admin:customers_policyholder_record_change", args=[object_id]
            )
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.display(description=gettext_lazy("Current preferences"))
    def current_preferences(self, obj):
        if obj.pk is None:
            return "-"
        matrix = preference_matrix(policyholder=obj)
        if not matrix:
            return "-"
        head = format_html_join("", "<th scope=\"col\">{}</th>", ((cell.channel.name,) for cell in matrix[0][1]))
        rows = format_html_join(
            "",
            "<tr><th scope=\"row\">{}</th>{}</tr>",
            (
                (
                    company.legal_name,
                    format_html_join(
                        "", "<td>{}</td>", ((_("Receive") if cell.allowed else _("Do not receive"),) for cell in cells)
                    ),
                )
                for company, cells in matrix
            ),
        )
        return format_html(
            "<table><thead><tr><th scope=\"col\">{}</th>{}</tr></thead><tbody>{}</tbody></table>",
            _("Company"), head, rows,
        )

    @admin.display(description=gettext_lazy("Recent changes"))
    def recent_events(self, obj):
        if obj.pk is None:
            return "-"
        events = obj.events.select_related("receipt", "company", "channel").order_by("-id")[:RECENT_EVENTS]
        if not events:
            return _("No changes yet.")
        items = format_html_join(
            "",
            "<li>{} {} {}／{}：{} → {}（{}）</li>",
            (
                (
                    formats.date_format(timezone.localtime(e.created_at), "DATETIME_FORMAT"),
                    e.receipt.number,
                    e.company.short_name,
                    e.channel.name,
                    _("Receive") if e.old_value else _("Do not receive"),
                    _("Receive") if e.new_value else _("Do not receive"),
                    e.get_source_display() + (f"：{e.reason}" if e.reason else ""),
                )
                for e in events
            ),
        )
        url = reverse("admin:consents_consentevent_changelist") + f"?q={obj.customer_number}"
        return format_html('<ul>{}</ul><p><a href="{}">{}</a></p>', items, url, _("All changes of this customer"))

    def record_change_view(self, request, object_id):
        if not request.user.has_perm("consents.record_preference_change"):
            raise PermissionDenied
        policyholder = self.get_object(request, unquote(object_id))
        if policyholder is None:
            raise Http404
        matrix = preference_matrix(policyholder=policyholder)
        status = 200
        if request.method == "POST":
            form = StaffPreferencesForm(request.POST, matrix=matrix)
            if form.is_valid():
                response = self._record_change(request, policyholder, form)
                if response is not None:
                    return response
            status = 400
        else:
            form = StaffPreferencesForm(matrix=matrix)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": policyholder,
            "title": _("Record a change on the customer's behalf"),
            "form": form,
            "change_url": reverse("admin:customers_policyholder_change", args=[policyholder.pk]),
        }
        return render(request, "consents/admin/record_change.html", context, status=status)

    def _record_change(self, request, policyholder, form):
        try:
            result = preferences_update(
                policyholder=policyholder,
                changes=form.changes(),
                source=Source.STAFF,
                idempotency_key=form.cleaned_data["idempotency_key"],
                actor=request.user,
                reason=form.cleaned_data["reason"],
                ip_address=client_ip(request),
                user_agent=request.headers.get("User-Agent", ""),
            )
        except ValidationError as error:
            form.add_error(None, error)
            return None
        change_url = reverse("admin:customers_policyholder_change", args=[policyholder.pk])
        if result.receipt is None:
            messages.info(request, _("Nothing was changed: the settings were already as chosen."))
            return redirect(change_url)
        messages.success(
            request,
            _("The change was recorded with receipt number %(number)s.") % {"number": result.receipt.number},
        )
        return redirect(change_url)


@admin.register(ConsentEvent)
class ConsentEventAdmin(ChangelistCsvMixin, CustomerNumberColumn, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "id", "created_at", "receipt_number", "customer_number", "company", "channel",
        "old_value", "new_value", "source", "actor", "reason", "occurred_at", "capture", "applied",
    ]
    list_filter = ["source", "channel", "company", "created_at", "applied", "capture"]
    search_fields = ["=policyholder__customer_number", "=receipt__number", "policyholder__name", "policyholder__kana"]
    list_select_related = ["receipt", "policyholder", "company", "channel", "actor"]
    change_list_template = "consents/admin/consentevent_change_list.html"
    csv_name = "consent-events"
    actions = None
    show_full_result_count = False

    def get_urls(self):
        return [
            path(
                "checkpoints/", self.admin_site.admin_view(self.checkpoints_view),
                name="consents_consentevent_checkpoints",
            ),
            *super().get_urls(),
        ]

    @admin.display(description=gettext_lazy("receipt number"), ordering="receipt__number")
    def receipt_number(self, obj):
        return obj.receipt.number

    def checkpoints_view(self, request):
        """The signed checkpoints, newest first, read from their directory: shown, never changed here."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        rows = []
        for file in reversed(checkpoint_paths()[-CHECKPOINTS_SHOWN:]):
            try:
                rows.append({"checkpoint": checkpoint_read(file), "error": None})
            except CheckpointError as error:
                rows.append({"checkpoint": None, "name": file.name, "error": str(error)})
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Signed checkpoints of the consent history"),
            "rows": rows,
        }
        return render(request, "consents/admin/checkpoints.html", context)

    def csv_lines(self, queryset):
        return events_csv_rows(queryset.select_related(
            "receipt", "policyholder", "company", "channel", "actor", "notice_version"
        ).order_by("id"))


@admin.register(NoticeRecord)
class NoticeRecordAdmin(CustomerNumberColumn, ReadOnlyAdminMixin, admin.ModelAdmin):
    """Who was told of which notice version, how and when, and their answers: evidence, shown only."""

    list_display = [
        "id", "number", "created_at", "customer_number", "notice_version", "kind", "campaign_id", "source", "actor",
    ]
    list_filter = ["kind", "source", "notice_version", "created_at"]
    # An answer's 記録番号 is what a customer quotes (their email, their history).
    search_fields = ["=number", "=policyholder__customer_number", "policyholder__name", "policyholder__kana"]
    list_select_related = ["policyholder", "notice_version__notice", "actor"]
    fields = [
        "policyholder", "notice_version", "kind", "number", "campaign_id", "created_at", "source", "actor",
        "ip_address", "user_agent", "idempotency_key", "email", "previous_hash", "hash", "key_id",
    ]
    readonly_fields = fields
    actions = None
    show_full_result_count = False

