"""The staff desk (顧客対応): the queue of requests and inquiries, overdue first, and on each request its
thread: answers (emailed to the customer and shown on their page), internal notes (never shown), and the
second person's approval that an answer refusing a request in whole or in part needs before it is sent.
Every write goes through desk.services, which enforces the rules whatever page calls it."""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.admin import BadInputIs400Mixin, ReadOnlyAdminMixin
from core.dates import today_in_tokyo
from disclosure.models import DisclosurePackage

from . import services
from .documents import storage
from .fees import Fee
from .forms import NoteForm, ReplyForm, ReturnForm
from .models import CustomerRequest, Note, Reply, RequestDocument

ACTION_FIELD = "_desk_action"


class OverdueFilter(admin.SimpleListFilter):
    title = gettext_lazy("deadline")
    parameter_name = "deadline"

    def lookups(self, request, model_admin):
        return [("overdue", _("Overdue")), ("open", _("Open")), ("approval", _("Answer awaiting approval"))]

    def queryset(self, request, queryset):
        if self.value() == "overdue":
            return queryset.overdue()
        if self.value() == "open":
            return queryset.open()
        if self.value() == "approval":
            return queryset.filter(replies__status=Reply.Status.AWAITING_APPROVAL).distinct()
        return queryset


@admin.register(CustomerRequest)
class CustomerRequestAdmin(BadInputIs400Mixin, admin.ModelAdmin):
    list_display = ["number", "kind", "customer", "received_at", "due", "status", "outcome", "assignee"]
    list_display_links = ["number"]
    list_filter = [OverdueFilter, "status", "kind", "route", "identity_method", "assignee"]
    search_fields = ["=number", "=policyholder__customer_number", "policyholder__name", "name", "email"]
    list_select_related = ["policyholder", "assignee"]
    show_full_result_count = False
    fields = [
        "number", "kind", "customer", "contact_email", "company", "delivery", "details", "agent_name",
        "agent_relationship", "documents", "received_at", "due", "status", "outcome", "closed_at", "assignee",
        # How it came in (desk/intake_admin.py): route, who wrote, the identity check, the agent's contact, the fee.
        "route", "requester", "entered_by", "postal_code", "postal_address", "phone", "identity_method",
        "identity_reference", "identity_checked_at", "agent_relation", "agent_postal_code", "agent_address",
        "agent_phone", "agent_email", "fee",
    ]
    readonly_fields = [f for f in fields if f != "assignee"]
    change_form_template = "admin/desk/customerrequest/change_form.html"

    def get_queryset(self, request):
        # Annotated before any ordering is applied: the ordering uses the annotations.
        return CustomerRequest.objects.queue(today=today_in_tokyo())

    def get_ordering(self, request):
        # Open before closed, overdue first, then the nearest due date (annotations of queue()).
        return ["-open_rank", "-overdue_rank", "due_date", "received_at", "id"]

    def has_add_permission(self, request):
        return False  # requests come from customers; staff answer them

    def has_delete_permission(self, request, obj=None):
        return False  # the record of a request and its answer is kept

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "assignee":
            model = db_field.remote_field.model
            kwargs["queryset"] = model.objects.filter(is_active=True, is_staff=True).filter(
                Q(is_superuser=True)
                | Q(groups__permissions__codename="answer_customerrequest")
                | Q(user_permissions__codename="answer_customerrequest")
            ).distinct().order_by("username")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_urls(self):
        return [
            path(
                "<path:object_id>/documents/<int:document_id>/",
                self.admin_site.admin_view(self.document_view),
                name="desk_customerrequest_document",
            ),
            *super().get_urls(),
        ]

    def document_view(self, request, object_id, document_id):
        """An agent's document, to staff who may see them, never cached; the file has no URL of its own."""
        if not request.user.has_perm("desk.view_requestdocument"):
            raise PermissionDenied
        document = RequestDocument.objects.filter(
            pk=document_id, request_id=unquote(object_id), deleted_at__isnull=True
        ).first()
        if document is None or not storage().exists(document.stored_name):
            raise Http404
        response = FileResponse(storage().open(document.stored_name), content_type=document.content_type,
                                as_attachment=True, filename=document.stored_name)
        add_never_cache_headers(response)
        return response

    @admin.display(description=gettext_lazy("agent's documents"))
    def documents(self, obj):
        items = []
        for document in obj.documents.all():
            if document.deleted_at:
                items.append(format_html("<li>{}（{} {}）</li>", document.get_kind_display(), _("deleted on"),
                                         timezone.localtime(document.deleted_at).date().isoformat()))
            else:
                url = reverse("admin:desk_customerrequest_document", args=[obj.pk, document.pk])
                items.append(format_html('<li><a href="{}">{}</a>（{}、{} KB）</li>', url,
                                         document.get_kind_display(), document.content_type,
                                         max(1, document.size // 1024)))
        if not items:
            return "-"
        return format_html("<ul>{}</ul>", format_html("{}" * len(items), *items))

    @admin.display(description=gettext_lazy("fee (yen)"))
    def fee(self, obj):
        if not obj.fee_payment:
            return "-"
        return Fee(obj.fee_amount, obj.fee_payment).display

    @admin.display(description=gettext_lazy("customer"))
    def customer(self, obj):
        if obj.route == CustomerRequest.Route.POSTAL:
            who = str(obj.policyholder) if obj.policyholder_id else obj.name
            return _("%(name)s (by post: %(requester)s)") % {"name": who, "requester": obj.get_requester_display()}
        if obj.policyholder_id:
            return str(obj.policyholder)
        return _("%(name)s (not logged in)") % {"name": obj.name}

    @admin.display(description=gettext_lazy("answer due by"), ordering="due_date")
    def due(self, obj):
        if obj.is_overdue():
            return format_html('<strong class="overdue">{} {}</strong>', _("Overdue:"), obj.due_date.isoformat())
        return obj.due_date.isoformat()

    def save_model(self, request, obj, form, change):
        if "assignee" in form.changed_data:
            services.request_assign(request=obj, assignee=form.cleaned_data["assignee"], actor=request.user)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        if request.method == "POST" and ACTION_FIELD in request.POST:
            return self._thread_action(request, object_id, extra_context)
        return super().change_view(request, object_id, form_url, self._thread_context(request, object_id,
                                                                                       extra_context))

    def _thread_context(self, request, object_id, extra_context, **forms):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return extra_context
        can_answer = request.user.has_perm(services.ANSWER_PERMISSION)
        return {
            **extra_context,
            "action_field": ACTION_FIELD,
            "thread": sorted(
                [("answer", reply) for reply in obj.replies.select_related("author", "approved_by")]
                + [("note", note) for note in obj.notes.select_related("author")],
                key=lambda pair: (pair[1].created_at, pair[0], pair[1].pk),
            ),
            "can_answer": can_answer and obj.is_open,
            "can_approve": request.user.has_perm(services.APPROVE_PERMISSION),
            "reply_form": forms.get("reply_form") or ReplyForm(prefix="reply"),
            "note_form": forms.get("note_form") or NoteForm(prefix="note"),
            "return_form": forms.get("return_form") or ReturnForm(prefix="return"),
            "is_overdue": obj.is_overdue(),
            "packages": DisclosurePackage.objects.filter(policyholder=obj.policyholder_id, request_number=obj.number)
            if obj.policyholder_id else [],
            "can_package": can_answer and obj.is_open and obj.kind == CustomerRequest.Kind.DISCLOSURE
            and obj.delivery == CustomerRequest.Delivery.ELECTRONIC and obj.policyholder_id is not None,
        }

    def _thread_action(self, request, object_id, extra_context):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        if not self.has_view_permission(request, obj):
            raise PermissionDenied
        action = request.POST[ACTION_FIELD]
        forms = {}
        try:
            if action == "note":
                forms["note_form"] = form = NoteForm(request.POST, prefix="note")
                if form.is_valid():
                    services.note_add(request=obj, author=request.user, body=form.cleaned_data["body"])
                    messages.success(request, _("The internal note was added."))
                    return redirect(request.path)
            elif action == "reply":
                forms["reply_form"] = form = ReplyForm(request.POST, prefix="reply")
                if form.is_valid():
                    reply = services.reply_write(request=obj, author=request.user, **form.cleaned_data)
                    if reply.status == Reply.Status.AWAITING_APPROVAL:
                        messages.warning(request, _("The answer awaits another staff member's approval; it has "
                                                    "not been sent."))
                    else:
                        messages.success(request, _("The answer was sent to the customer."))
                    return redirect(request.path)
            elif action == "package":
                package = services.request_disclosure_package(request=obj, actor=request.user)
                messages.success(request, _("The disclosure package is being prepared (#%(id)s); the customer is "
                                            "emailed when it is ready.") % {"id": package.pk})
                return redirect(request.path)
            elif action in ("approve", "return"):
                reply = obj.replies.filter(pk=request.POST.get("reply")).first()
                if reply is None:
                    raise ValidationError(_("The answer was not found. Open the page again."))
                if action == "approve":
                    services.reply_approve(reply=reply, approver=request.user)
                    messages.success(request, _("The answer was approved and sent to the customer."))
                    return redirect(request.path)
                forms["return_form"] = form = ReturnForm(request.POST, prefix="return")
                if form.is_valid():
                    services.reply_return(reply=reply, approver=request.user, comment=form.cleaned_data["comment"])
                    messages.success(request, _("The answer was returned to its writer, unsent."))
                    return redirect(request.path)
            else:
                raise ValidationError(_("Use the buttons on the page."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        # Shown again with what was written and why it was refused; nothing was saved.
        request.method = "GET"
        response = super().change_view(request, object_id, "", self._thread_context(request, object_id,
                                                                                     extra_context, **forms))
        response.status_code = 400
        return response


@admin.register(Reply)
class ReplyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Every answer, sent or not: the record of what the customer was told, by whom, approved by whom."""

    list_display = ["request", "created_at", "author", "outcome", "status", "approved_by", "sent_at"]
    list_filter = ["status", "outcome"]
    search_fields = ["=request__number"]
    list_select_related = ["request", "author", "approved_by"]
    show_full_result_count = False


@admin.register(Note)
class NoteAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["request", "created_at", "author"]
    search_fields = ["=request__number"]
    list_select_related = ["request", "author"]


# The fee table and the entry of postal requests, in a module of their own.
from . import intake_admin  # noqa: E402, F401
