from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from consents.models import StaffConsentAnswer, Suppression
from consents.staff_consent import staff_consent_confirm, staff_consent_record
from consents.suppressions import suppression_lift
from core.admin import BadInputIs400Mixin, CustomerNumberColumn, JobAdminMixin, ReadOnlyAdminMixin
from core.dates import today_in_tokyo
from customers.models import Policyholder
from notices.models import NoticeVersion
from notices.selectors import consent_grounds_on

from .delivery import secret_issue
from .forms import ALLOW, InboundImportForm, InboundRecordForm, LiftForm, StaffConsentForm
from .importing import COLUMNS, inbound_import
from .inbound import InboundItem, InboundRefused, inbound_record
from .models import InboundChange, WebhookDelivery, WebhookSubscriber


@admin.register(InboundChange)
class InboundChangeAdmin(CustomerNumberColumn, ReadOnlyAdminMixin, admin.ModelAdmin):
    """Changes said elsewhere, as they arrived: shown only. A 顧客対応 records one (「記録する」) or imports a file."""

    list_display = [
        "id", "received_at", "occurred_at", "customer_number", "company", "channel", "allowed", "suppression_kind",
        "capture", "origin", "sender", "status", "evidence",
    ]
    list_filter = ["status", "origin", "capture", "company", "channel"]
    search_fields = ["=policyholder__customer_number", "=key", "evidence"]
    list_select_related = ["policyholder", "company", "channel"]
    change_list_template = "relay/admin/inboundchange_change_list.html"
    actions = None

    def get_urls(self):
        return [
            path("record/", self.admin_site.admin_view(self.record_view), name="relay_inboundchange_record"),
            path("import/", self.admin_site.admin_view(self.import_view), name="relay_inboundchange_import"),
            *super().get_urls(),
        ]

    def _page(self, request, template, context, status=200):
        context = {**self.admin_site.each_context(request), "opts": self.opts, **context}
        return render(request, template, context, status=status)

    def record_view(self, request):
        if not request.user.has_perm("consents.record_preference_change"):
            raise PermissionDenied
        form = InboundRecordForm(request.POST or None, request.FILES or None)
        if request.method == "POST":
            if form.is_valid():
                response = self._record(request, form)
                if response is not None:
                    return response
            status = 400
        else:
            status = 200
        title = _("Record a change the customer made by phone, on paper or at a branch")
        return self._page(request, "relay/admin/record.html", {"form": form, "title": title}, status)

    def _record(self, request, form):
        data = form.cleaned_data
        what = data["what"]
        holder = Policyholder.objects.filter(customer_number=data["customer_number"]).first()
        if holder is None:
            form.add_error("customer_number", _("No customer has this customer number."))
            return None
        item = InboundItem(
            key=data["idempotency_key"],
            customer=holder.customer_number, company=data["company"].pk,
            channel=data["channel"].code if data["channel"] else None, occurred_at=data["occurred_at"],
            capture=data["capture"], allowed=(what == ALLOW) if not what.startswith("suppression:") else None,
            suppression=what.removeprefix("suppression:") if what.startswith("suppression:") else "",
            operator=request.user.get_username(), evidence=form.evidence_reference(), reason=data["reason"],
        )
        try:
            batch = inbound_record(
                origin=InboundChange.Origin.STAFF, sender=f"staff:{request.user.pk}", items=[item],
                actor=request.user, scan=data.get("scan"),
            )
        except InboundRefused as refusal:
            form.add_error(None, refusal.message)
            return None
        change = batch.results[0].change
        messages.success(request, _("Recorded: %(status)s.") % {"status": change.get_status_display()})
        return redirect("admin:relay_inboundchange_changelist")

    def import_view(self, request):
        if not request.user.has_perm("relay.import_inboundchange"):
            raise PermissionDenied
        form = InboundImportForm(request.POST or None, request.FILES or None)
        context = {"form": form, "title": _("Import changes from a CSV file"), "columns": ",".join(COLUMNS)}
        if request.method != "POST":
            return self._page(request, "relay/admin/import.html", context)
        if not form.is_valid():
            return self._page(request, "relay/admin/import.html", context, status=400)
        result = inbound_import(
            data=form.cleaned_data["file"].read(), actor=request.user, encoding=form.cleaned_data["encoding"] or None
        )
        if result.errors:
            context["errors"] = result.errors
            return self._page(request, "relay/admin/import.html", context, status=400)
        messages.success(request, _(
            "Imported: %(applied)s applied, %(superseded)s kept as evidence (a later interaction decides), "
            "%(suppressed)s suppressions, %(repeated)s already recorded."
        ) % {
            "applied": result.count(InboundChange.Status.APPLIED),
            "superseded": result.count(InboundChange.Status.SUPERSEDED),
            "suppressed": result.count(InboundChange.Status.SUPPRESSED),
            "repeated": result.repeated,
        })
        return redirect("admin:relay_inboundchange_changelist")


@admin.register(Suppression)
class SuppressionAdmin(CustomerNumberColumn, ReadOnlyAdminMixin, admin.ModelAdmin):
    """Suppressions and their lifts: evidence, shown only; a 承認者 lifts one with a reason (「解除する」)."""

    list_display = [
        "id", "created_at", "customer_number", "action", "kind", "channel", "company", "address", "reason",
        "source", "actor", "lifts",
    ]
    list_filter = ["action", "kind", "source", "channel"]
    search_fields = ["=policyholder__customer_number"]
    list_select_related = ["policyholder", "channel", "company", "actor"]
    change_form_template = "relay/admin/suppression_change_form.html"
    actions = None

    def change_view(self, request, object_id, form_url="", extra_context=None):
        row = Suppression.objects.filter(pk=object_id).first()
        liftable = bool(
            row and row.action == Suppression.Action.PLACE and not Suppression.objects.filter(lifts=row).exists()
            and request.user.has_perm("consents.lift_suppression")
        )
        return super().change_view(request, object_id, form_url, {**(extra_context or {}), "liftable": liftable})

    def get_urls(self):
        return [
            path("<int:pk>/lift/", self.admin_site.admin_view(self.lift_view), name="consents_suppression_lift"),
            *super().get_urls(),
        ]

    def lift_view(self, request, pk):
        if not request.user.has_perm("consents.lift_suppression"):
            raise PermissionDenied
        placed = Suppression.objects.filter(pk=pk, action=Suppression.Action.PLACE).select_related(
            "policyholder").first()
        if placed is None:
            raise Http404
        form = LiftForm(request.POST or None)
        status = 200
        if request.method == "POST":
            status = 400
            if form.is_valid():
                try:
                    suppression_lift(suppression=placed, actor=request.user, reason=form.cleaned_data["reason"])
                except ValidationError as error:
                    form.add_error(None, error)
                else:
                    messages.success(request, _("The suppression was lifted."))
                    return redirect("admin:consents_suppression_change", placed.pk)
        context = {
            **self.admin_site.each_context(request), "opts": self.opts, "form": form, "suppression": placed,
            "title": _("Lift a suppression"),
        }
        return render(request, "relay/admin/lift.html", context, status=status)


@admin.register(WebhookSubscriber)
class WebhookSubscriberAdmin(BadInputIs400Mixin, admin.ModelAdmin):
    list_display = ["name", "url", "active", "owner", "failing_since"]
    list_filter = ["active", ("failing_since", admin.EmptyFieldListFilter)]
    filter_horizontal = ["companies", "channels"]
    readonly_fields = ["created_at", "failing_since"]
    fields = ["name", "url", "companies", "channels", "owner", "active", "created_at", "failing_since"]

    def has_delete_permission(self, request, obj=None):
        # Deliveries name it: turned off (active), never deleted.
        return False

    def save_model(self, request, obj, form, change):
        if not change:
            obj.secret = request.new_webhook_secret = secret_issue()
        super().save_model(request, obj, form, change)

    def response_add(self, request, obj, post_url_continue=None):
        # The secret is shown on this one page; the receiver keeps it to verify signatures.
        context = {
            **self.admin_site.each_context(request), "opts": self.opts, "subscriber": obj,
            "secret": request.new_webhook_secret, "title": _("Signing secret of %(name)s") % {"name": obj.name},
        }
        return TemplateResponse(request, "relay/admin/secret_created.html", context)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(JobAdminMixin, CustomerNumberColumn, ReadOnlyAdminMixin, admin.ModelAdmin):
    """Every delivery and its attempts; failed ones are replayed with the one 「再試行」 action."""

    list_display = [
        "id", "created_at", "subscriber", "event_id", "event_type", "customer_number", "status", "attempts",
        "last_status_code", "last_error", "next_attempt_at", "delivered_at",
    ]
    list_filter = ["status", "subscriber", "event_type"]
    search_fields = ["=event_id", "=policyholder__customer_number"]
    list_select_related = ["subscriber", "policyholder"]
    show_full_result_count = False

    @admin.display(description=gettext_lazy("customer number"), ordering="policyholder__customer_number")
    def customer_number(self, obj):
        return obj.policyholder.customer_number


@admin.register(StaffConsentAnswer)
class StaffConsentAnswerAdmin(CustomerNumberColumn, ReadOnlyAdminMixin, admin.ModelAdmin):
    """Consent answers given to staff: 同意しない applies at once, 同意する when a second person confirms it."""

    list_display = [
        "id", "recorded_at", "customer_number", "notice_version", "consent", "capture", "evidence", "recorded_by",
        "status", "confirmed_by", "confirmed_at",
    ]
    list_filter = ["status", "consent", "notice_version"]
    search_fields = ["=policyholder__customer_number", "evidence"]
    list_select_related = ["policyholder", "notice_version__notice", "recorded_by", "confirmed_by"]
    change_list_template = "relay/admin/staffconsentanswer_change_list.html"
    actions = ["confirm"]

    def get_urls(self):
        return [
            path("record/", self.admin_site.admin_view(self.record_view), name="consents_staffconsentanswer_record"),
            *super().get_urls(),
        ]

    def has_confirm_permission(self, request):
        return request.user.has_perm("consents.confirm_staffconsentanswer")

    @admin.action(description=gettext_lazy("Confirm the selected consents (as the second person)"),
                  permissions=["confirm"])
    def confirm(self, request, queryset):
        for answer in queryset.filter(status=StaffConsentAnswer.Status.AWAITING):
            try:
                staff_consent_confirm(answer=answer, actor=request.user)
            except ValidationError as error:
                messages.error(request, f"#{answer.pk}: " + " ".join(error.messages))
            else:
                messages.success(request, _("#%(id)s: confirmed.") % {"id": answer.pk})

    def record_view(self, request):
        if not request.user.has_perm("consents.add_staffconsentanswer"):
            raise PermissionDenied
        changes = consent_grounds_on(today_in_tokyo()).changes
        versions = NoticeVersion.objects.filter(pk__in=[change.version.pk for change in changes])
        form = StaffConsentForm(request.POST or None, versions=versions)
        status = 200
        if request.method == "POST":
            status = 400
            if form.is_valid():
                data = form.cleaned_data
                holder = Policyholder.objects.filter(customer_number=data["customer_number"]).first()
                if holder is None:
                    form.add_error("customer_number", _("No customer has this customer number."))
                else:
                    try:
                        answer = staff_consent_record(
                            policyholder=holder, version_id=data["notice_version"].pk, consent=data["consent"],
                            capture=data["capture"], evidence=data["evidence"], occurred_at=data["occurred_at"],
                            actor=request.user,
                        )
                    except ValidationError as error:
                        form.add_error(None, error)
                    else:
                        messages.success(request, _("Recorded: %(status)s.") % {"status": answer.get_status_display()})
                        return redirect("admin:consents_staffconsentanswer_changelist")
        context = {
            **self.admin_site.each_context(request), "opts": self.opts, "form": form,
            "title": _("Record a consent answer given on paper or by phone"),
        }
        return render(request, "relay/admin/record.html", context, status=status)
