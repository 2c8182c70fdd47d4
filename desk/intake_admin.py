"""The admin's side of how requests come in: the fee table (手数料, edited by the staff who set the group's
fees) and the entry of a request received by post. Registered by desk/admin.py."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from core.admin import BadInputIs400Mixin

from .forms import PostalRequestForm
from .models import CustomerRequest, PostalRequest, RequestFee
from .postal import Writer, postal_request_enter


@admin.register(RequestFee)
class RequestFeeAdmin(BadInputIs400Mixin, admin.ModelAdmin):
    """One row per company, kind (利用目的の通知 or 開示) and route; a missing row is free. A change applies to
    requests made after it: a request keeps the fee it was made with."""

    list_display = ["company", "kind", "route", "amount", "payment", "updated_at"]
    list_filter = ["company", "kind", "route"]
    list_select_related = ["company"]
    fields = ["company", "kind", "route", "amount", "payment"]


@admin.register(PostalRequest)
class PostalRequestAdmin(admin.ModelAdmin):
    """Requests that came by post: entered here (add), then answered in the queue like any other."""

    list_display = ["number", "kind", "requester", "name", "received_at", "due_date", "status", "entered_by"]
    list_filter = ["kind", "requester", "status"]
    search_fields = ["=number", "=policyholder__customer_number", "name"]
    list_select_related = ["entered_by", "policyholder"]
    show_full_result_count = False

    def get_queryset(self, request):
        return super().get_queryset(request).filter(route=CustomerRequest.Route.POSTAL)

    def has_change_permission(self, request, obj=None):
        return False  # answered in the queue (請求・お問合せ), which links here

    def has_delete_permission(self, request, obj=None):
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return redirect("admin:desk_customerrequest_change", object_id)

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = PostalRequestForm(request.POST or None, request.FILES or None)
        status = 200
        if request.method == "POST":
            status = 400
            if form.is_valid():
                data = form.cleaned_data
                try:
                    created = postal_request_enter(
                        actor=request.user, idempotency_key=data["idempotency_key"], kind=data["kind"],
                        requester=data["requester"], received_on=data["received_on"],
                        writer=Writer(name=data["name"], postal_code=data["postal_code"],
                                      postal_address=data["postal_address"], phone=data["phone"],
                                      email=data["email"]),
                        scanned_form=data["scanned_form"], policyholder=data["customer_number"],
                        company=data["company"], delivery=data["delivery"], details=data["details"],
                        agent=form.agent(), documents=form.documents(), seal_issued_on=data["seal_issued_on"],
                    )
                except ValidationError as error:
                    form.add_error(None, error)
                else:
                    messages.success(request, _("The request received by post was entered as %(number)s; it is in "
                                                "the queue.") % {"number": created.number})
                    return redirect(reverse("admin:desk_customerrequest_change", args=[created.pk]))
        context = {
            **self.admin_site.each_context(request), "opts": self.opts, "title": _("Enter a request received by post"),
            "form": form, "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/desk/postalrequest/add_form.html", context, status=status)
