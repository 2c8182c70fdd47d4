"""The two-person rule in the admin: `TwoPersonAdminMixin` turns an editor's save of protected fields into
a proposal, and the change requests' page lets an approver compare, approve or reject it."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.admin import ReadOnlyAdminMixin
from core.fieldvalues import display_value, field_label

from .models import APPROVE_PERMISSION, ChangeRequest
from .services import (
    StaleChangeRequest,
    change_approve,
    change_propose,
    change_reject,
    field_value,
    fingerprint,
    target_of,
)


def review_url(change: ChangeRequest) -> str:
    return reverse("admin:approvals_changerequest_change", args=[change.pk])


class TwoPersonAdminMixin:
    """For a ModelAdmin whose objects customers or marketing systems see.

    `protected_fields` change only when another person approves; the editor's save of them becomes a
    pending ChangeRequest (the form then shows the pending values, so a second save edits the proposal).
    Other fields save at once. `protected_fields_for(obj)` may narrow the set for one object (an FAQ entry
    nobody sees yet); `deletion_refused(obj)` says why an object may not be deleted directly.
    """

    protected_fields: tuple[str, ...] = ()
    # Field → the value a new object starts with, whatever the editor chose (that choice is proposed).
    held_back_on_add: dict = {}

    def protected_fields_for(self, obj) -> tuple[str, ...]:
        return self.protected_fields

    def proposal_fields_for(self, obj, changed: set[str]) -> set[str]:
        """The fields a proposal carries, given those the editor changed: by default just those."""
        return changed

    def deletion_refused(self, obj) -> str | None:
        return None

    def pending_change(self, obj) -> ChangeRequest | None:
        if obj is None or obj.pk is None:
            return None
        return ChangeRequest.objects.pending().for_object(obj).first()

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        pending = self.pending_change(obj)
        if pending is None:
            return form_class
        proposed = {name: value for name, value in pending.values.items() if name in form_class.base_fields}

        class PendingValuesForm(form_class):
            def __init__(self, *args, **kw):
                kw["initial"] = {**proposed, **(kw.get("initial") or {})}
                super().__init__(*args, **kw)

        return PendingValuesForm

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET":
            pending = self.pending_change(self.get_object(request, unquote(object_id)))
            if pending is not None:
                messages.warning(request, format_html(
                    '{} <a href="{}">{}</a>',
                    _("A change proposed by %(user)s is awaiting approval; the form shows the proposed values. "
                      "Saving again replaces the proposal.") % {"user": pending.proposed_by},
                    review_url(pending), _("See the change request"),
                ))
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        if not change:
            self._save_new(request, obj)
            return
        model = type(obj)
        # Locked, so that an approval landing now is neither overwritten nor proposed over unseen.
        current = model._default_manager.select_for_update().get(pk=obj.pk)
        protected = set(self.protected_fields_for(current)) & set(form.fields)
        changed = {name for name in protected if field_value(obj, name) != field_value(current, name)}
        carried = self.proposal_fields_for(current, changed) if changed else set()
        values = {name: field_value(obj, name) for name in sorted(carried)}
        for name in protected:
            setattr(obj, model._meta.get_field(name).attname, field_value(current, name))
        direct = [
            f.name for f in model._meta.concrete_fields
            if f.name in form.fields and f.name not in protected
            and field_value(obj, f.name) != field_value(current, f.name)
        ]
        if direct:
            auto = [f.name for f in model._meta.concrete_fields if getattr(f, "auto_now", False)]
            obj.save(update_fields=direct + auto)
        pending = self.pending_change(current)
        if values or pending is not None:
            proposal = change_propose(obj=current, values=values, user=request.user)
            request._two_person_message = self._proposal_message(proposal, direct)

    def _save_new(self, request, obj):
        """A new object starts with the safe value of each `held_back_on_add` field; the value the editor
        chose for it becomes a proposal."""
        wanted = {}
        for name, safe in self.held_back_on_add.items():
            if field_value(obj, name) != safe:
                wanted[name] = field_value(obj, name)
                setattr(obj, obj._meta.get_field(name).attname, safe)
        obj.save()
        if wanted:
            carried = self.proposal_fields_for(obj, set(wanted))
            values = {name: wanted.get(name, field_value(obj, name)) for name in sorted(carried)}
            proposal = change_propose(obj=obj, values=values, user=request.user)
            request._two_person_message = self._proposal_message(proposal, [])

    def _proposal_message(self, proposal, direct) -> tuple[str, int]:
        if proposal is None:
            return _("The pending change request was withdrawn; nothing changes."), messages.SUCCESS
        text = _("Your change was sent for approval as change request #%(id)s. Customers and marketing systems "
                 "see the current values until another person approves it.") % {"id": proposal.pk}
        if direct:
            text += " " + _("The other fields you changed (%(fields)s) were saved.") % {
                "fields": "、".join(field_label(self.model, name) for name in direct)
            }
        return text, messages.WARNING

    def message_user(self, request, message, level=messages.INFO, *args, **kwargs):
        note = getattr(request, "_two_person_message", None)
        if note is not None and level == messages.SUCCESS:
            message, level = note
        super().message_user(request, message, level, *args, **kwargs)

    def construct_change_message(self, request, form, formsets, add=False):
        # Django's own log would say the protected fields changed; they were only proposed.
        change_message = super().construct_change_message(request, form, formsets, add)
        if add:
            return change_message
        labels = {str(form.fields[name].label) for name in self.protected_fields if name in form.fields}
        for entry in change_message:
            if "changed" in entry:
                entry["changed"]["fields"] = [label for label in entry["changed"]["fields"] if label not in labels]
        return [entry for entry in change_message if "changed" not in entry or entry["changed"]["fields"]]

    def delete_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        refusal = obj is not None and self.deletion_refused(obj)
        if refusal:
            context = {**self.admin_site.each_context(request), "opts": self.opts, "object": obj,
                       "title": _("This cannot be deleted"), "message": refusal}
            return TemplateResponse(request, "admin/approvals/refused.html", context, status=409)
        return super().delete_view(request, object_id, extra_context)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            refusal = self.deletion_refused(obj)
            if refusal:
                raise PermissionDenied(f"{obj}: {refusal}")
        super().delete_queryset(request, queryset)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "approve"), ("reject", "reject")])
    fingerprint = forms.CharField(max_length=64, min_length=64)
    reason = forms.CharField(
        label=gettext_lazy("reason"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Required to reject; optional when you approve."),
    )


@admin.register(ChangeRequest)
class ChangeRequestAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    # Read-only: requests are made by saving the object and decided on their own page.
    list_display = ("id", "object_link", "kind", "status", "proposed_by", "proposed_at", "decided_by", "decided_at")
    list_display_links = ("id",)
    list_filter = ("status", "content_type")
    search_fields = ("object_repr", "reason")
    list_select_related = ("content_type", "proposed_by", "decided_by")
    ordering = ("-proposed_at", "-id")
    actions = None

    @admin.display(description=gettext_lazy("kind of object"), ordering="content_type")
    def kind(self, change: ChangeRequest):
        model = change.content_type.model_class()
        return model._meta.verbose_name if model else change.content_type.model

    @admin.display(description=gettext_lazy("object of the change"), ordering="object_repr")
    def object_link(self, change: ChangeRequest):
        return change.object_repr

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """The review page: current and proposed values side by side; an approver approves or rejects."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        change = self.get_object(request, unquote(object_id))
        if change is None:
            raise Http404(_("The change request was not found."))
        may_decide = request.user.has_perm(APPROVE_PERMISSION)
        status, error = 200, None
        form = DecisionForm()
        if request.method == "POST":
            if not may_decide:
                raise PermissionDenied(_("Only an approver can approve or reject a proposed change."))
            form = DecisionForm(request.POST)
            if form.is_valid():
                status, error = self._decide(request, change, form.cleaned_data)
                if status is None:
                    return redirect(reverse("admin:approvals_changerequest_changelist") + "?status__exact=pending")
                change.refresh_from_db()
            else:
                status, error = 400, _("The decision could not be read. Use the buttons on this page.")
        target = target_of(change)
        model = change.content_type.model_class()
        rows = [
            {
                "label": field_label(model, name),
                "current": display_value(model, name, field_value(target, name)) if target is not None else "",
                "proposed": display_value(model, name, value),
            }
            for name, value in change.values.items()
        ]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": change,
            "title": _("Change request #%(id)s") % {"id": change.pk},
            "change": change,
            "target": target,
            "target_url": self._target_url(change),
            "kind": self.kind(change),
            "rows": rows,
            "fingerprint": fingerprint(change, target),
            "may_decide": may_decide and change.is_pending and request.user.pk not in change.proposers(),
            "is_own": request.user.pk in change.proposers(),
            "error": error,
            "form": form,
        }
        return TemplateResponse(request, "admin/approvals/changerequest/review.html", context, status=status)

    def _decide(self, request, change: ChangeRequest, data: dict) -> tuple[int | None, str | None]:
        try:
            if data["decision"] == "approve":
                change_approve(change=change, user=request.user, fingerprint_shown=data["fingerprint"],
                               reason=data["reason"])
                messages.success(request, _("Change request #%(id)s was approved and applied.") % {"id": change.pk})
            else:
                change_reject(change=change, user=request.user, reason=data["reason"])
                messages.success(request, _("Change request #%(id)s was rejected; nothing was changed.")
                                 % {"id": change.pk})
        except StaleChangeRequest as stale:
            return 409, str(stale)
        except PermissionDenied as denied:
            return 403, str(denied)
        except ValidationError as invalid:
            return 400, " ".join(invalid.messages)
        return None, None

    def _target_url(self, change: ChangeRequest) -> str | None:
        if change.object_id is None:
            return None
        ct = change.content_type
        try:
            return reverse(f"admin:{ct.app_label}_{ct.model}_change", args=[change.object_id])
        except Exception:
            return None
