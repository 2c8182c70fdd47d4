"""The steps of a request in the staff desk, beside its thread: the pause and its resumption, the fee's
receipt, the identity check, each company's records of a 開示, and the answer's draft, preview and send.
Each is a POST to its own address under the request's admin page; a refusal is a Japanese 4xx and writes
nothing (a visitor who is not staff gets a 403, not the login page: a POST has nowhere to come back to)."""

import functools

from django.conf import settings
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from core.dates import today_in_tokyo
from core.errors import error_page

from . import answers, identity_checks, services
from .company_records import company_task_answer
from .documents import storage
from .emails import answer_message
from .fee_receipts import fee_receipt_record
from .guards import ANSWER_PERMISSION
from .identity_checks import identity_check_record
from .models import REFUSALS, CompanyRecordFile, CompanyTask, CustomerRequest, Reply
from .pauses import request_pause, request_resume
from .staff_forms import CompanyTaskForm, DraftForm, FeeReceiptForm, IdentityCheckForm, PauseForm

STEPS = ("pause", "resume", "fee", "identity", "company", "draft")


def _staff_post(admin_site, view):
    """POST only, by a logged-in staff member (then the admin's own checks: CSRF, never cached)."""
    admin_view = admin_site.admin_view(view)

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not admin_site.has_permission(request):
            return error_page(request, status=403, message=_("Only the staff of the request desk can do this."))
        if request.method != "POST":
            response = error_page(request, status=405, message=_("Use the buttons and links on the page to "
                                                                 "continue."))
            response["Allow"] = "POST"
            return response
        return admin_view(request, *args, **kwargs)

    return wrapper


class RequestStepsMixin:
    """For CustomerRequestAdmin: the steps' addresses, their forms on the change page, and the preview."""

    def get_urls(self):
        info = "desk_customerrequest"
        return [
            path("<path:object_id>/step/<str:step>/", _staff_post(self.admin_site, self.step_view),
                 name=f"{info}_step"),
            path("<path:object_id>/answer/<int:reply_id>/", self.admin_site.admin_view(self.preview_view),
                 name=f"{info}_preview"),
            path("<path:object_id>/answer/<int:reply_id>/page/", self.admin_site.admin_view(self.preview_page_view),
                 name=f"{info}_preview_page"),
            path("<path:object_id>/records/<int:file_id>/", self.admin_site.admin_view(self.record_view),
                 name=f"{info}_record"),
            *super().get_urls(),
        ]

    def _request_or_404(self, request, object_id) -> CustomerRequest:
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        if not self.has_view_permission(request, obj):
            raise PermissionDenied
        return obj

    def steps_context(self, request, obj: CustomerRequest, **forms) -> dict:
        can_answer = request.user.has_perm(ANSWER_PERMISSION) and obj.is_open
        marketing = obj.kind in answers.MARKETING_KINDS and obj.policyholder_id is not None
        draft = obj.replies.filter(status=Reply.Status.DRAFT).first()
        initial = {}
        if draft is not None:
            initial = {"body": draft.body, "outcome": draft.outcome, "reason": draft.reason,
                       "marketing_cells": [f"{c}:{code}" for c, code in draft.marketing_cells]}
        return {
            "can_answer": can_answer,
            "step_urls": {step: reverse("admin:desk_customerrequest_step", args=[obj.pk, step]) for step in STEPS},
            "pause": obj.open_pause,
            "past_pauses": [pause for pause in obj.pauses.all() if pause.ended_at is not None],
            "pause_form": forms.get("pause_form") or PauseForm(prefix="pause"),
            "fee_receipt": getattr(obj, "fee_receipt", None),
            "fee_form": forms.get("fee_form")
            or FeeReceiptForm(prefix="fee", initial={"received_on": today_in_tokyo()}),
            "needs_identity": identity_checks.needs_check(obj),
            "identity_checks": obj.identity_checks.select_related("checked_by"),
            "identity_missing": identity_checks.missing(obj),
            "identity_form": forms.get("identity_form") or IdentityCheckForm(prefix="identity"),
            "company_tasks": obj.company_tasks.select_related("company", "answered_by").prefetch_related("files"),
            "company_form_errors": forms.get("company_form").errors if forms.get("company_form") else None,
            "draft": draft,
            "reply_form": forms.get("reply_form") or DraftForm(prefix="reply", marketing=marketing, initial=initial),
            "reminder_days": settings.REQUEST_REMINDER_DAYS,
        }

    def step_view(self, request, object_id, step):
        obj = self._request_or_404(request, object_id)
        if step not in STEPS:
            raise Http404
        forms = {}
        try:
            done = getattr(self, f"_step_{step}")(request, obj, forms)
            if isinstance(done, HttpResponse):
                return done
            if done:
                messages.success(request, done)
                return redirect(reverse("admin:desk_customerrequest_change", args=[obj.pk]))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        # Shown again with what was written and why it was refused; nothing was saved.
        request.method = "GET"
        response = self.change_view(request, object_id, "", {"step_forms": forms})
        response.status_code = 400
        return response

    def _step_pause(self, request, obj, forms):
        form = forms["pause_form"] = PauseForm(request.POST, prefix="pause")
        if form.is_valid():
            request_pause(request=obj, actor=request.user, **form.cleaned_data)
            return _("The request is paused; the customer sees the reason on its page.")
        return None

    def _step_resume(self, request, obj, forms):
        pause = request_resume(request=obj, actor=request.user)
        obj.refresh_from_db()
        return _("The request was resumed; its due date moved by %(days)s days to %(date)s.") % {
            "days": pause.days, "date": obj.due_date.isoformat()}

    def _step_fee(self, request, obj, forms):
        form = forms["fee_form"] = FeeReceiptForm(request.POST, prefix="fee")
        if form.is_valid():
            fee_receipt_record(request=obj, actor=request.user, **form.cleaned_data)
            return _("The fee's receipt was recorded.")
        return None

    def _step_identity(self, request, obj, forms):
        form = forms["identity_form"] = IdentityCheckForm(request.POST, prefix="identity")
        if form.is_valid():
            identity_check_record(request=obj, actor=request.user, **form.cleaned_data)
            return _("The identity check was recorded.")
        return None

    def _step_company(self, request, obj, forms):
        form = forms["company_form"] = CompanyTaskForm(request.POST, request.FILES, prefix="company")
        if form.is_valid():
            task = CompanyTask.objects.filter(pk=form.cleaned_data["task"], request=obj).first()
            if task is None:
                raise ValidationError(_("The company's part was not found. Open the page again."))
            company_task_answer(task=task, actor=request.user, not_held=form.cleaned_data["not_held"],
                                files=form.cleaned_data["files"])
            return _("%(company)s's part was answered.") % {"company": task.company.legal_name}
        return None

    def _step_draft(self, request, obj, forms):
        marketing = obj.kind in answers.MARKETING_KINDS and obj.policyholder_id is not None
        form = forms["reply_form"] = DraftForm(request.POST, prefix="reply", marketing=marketing)
        if form.is_valid():
            draft = services.reply_write(
                request=obj, author=request.user, body=form.cleaned_data["body"],
                outcome=form.cleaned_data["outcome"], reason=form.cleaned_data["reason"],
                marketing_cells=form.cleaned_cells() if marketing else None,
            )
            messages.info(request, _("The draft was saved; nothing has been sent. Check the preview, then send it."))
            return redirect(reverse("admin:desk_customerrequest_preview", args=[obj.pk, draft.pk]))
        return None

    def preview_view(self, request, object_id, reply_id):
        """The draft (or the refusal awaiting approval) as the customer will get it: the email and the page.
        Its buttons send or approve exactly what this page showed."""
        obj = self._request_or_404(request, object_id)
        reply = obj.replies.filter(pk=reply_id).select_related("author").first()
        if reply is None:
            raise Http404
        status = 200
        if request.method == "POST":
            action, shown = request.POST.get("_desk_action"), request.POST.get("shown", "")
            try:
                if action == "send":
                    reply = services.reply_send(reply=reply, actor=request.user, shown=shown)
                    if reply.status == Reply.Status.AWAITING_APPROVAL:
                        messages.warning(request, _("The answer awaits another staff member's approval; it has "
                                                    "not been sent."))
                    else:
                        messages.success(request, _("The answer was sent to the customer."))
                elif action == "approve":
                    services.reply_approve(reply=reply, approver=request.user, shown=shown)
                    messages.success(request, _("The answer was approved and sent to the customer."))
                else:
                    raise ValidationError(_("Use the buttons on the page."))
                return redirect(reverse("admin:desk_customerrequest_change", args=[obj.pk]))
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
                status = 409 if error.code == "stale" else 400
                reply.refresh_from_db()
        elif request.method not in ("GET", "HEAD"):
            return error_page(request, status=405, message=_("Use the buttons and links on the page to continue."))
        return self._preview_response(request, obj, reply, status=status)

    def _as_sent(self, obj, reply) -> Reply:
        """The answer as it will be once sent (unsaved): what the email and the page are built from."""
        if reply.status == Reply.Status.SENT:
            return reply
        return Reply(pk=reply.pk, request=obj, author=reply.author, body=reply.body, outcome=reply.outcome,
                     reason=reply.reason, marketing_cells=reply.marketing_cells, status=Reply.Status.SENT,
                     created_at=reply.created_at)

    def preview_page_view(self, request, object_id, reply_id):
        """The customer's page of the request with the answer on it, rendered by the customer's own template,
        as the customer will see it once it is sent."""
        if request.method not in ("GET", "HEAD"):
            return error_page(request, status=405, message=_("Use the buttons and links on the page to continue."))
        obj = self._request_or_404(request, object_id)
        reply = obj.replies.filter(pk=reply_id).first()
        if reply is None or obj.policyholder_id is None:
            raise Http404
        preview = None if reply.status == Reply.Status.SENT else self._as_sent(obj, reply)
        # Rendered without the staff's request: the customer's page never shows the admin's messages.
        page = render_to_string("desk/request_detail.html", answers.page_context(obj, preview=preview))
        response = HttpResponse(page)
        add_never_cache_headers(response)
        return response

    def _preview_response(self, request, obj, reply, *, status):
        shown_reply = self._as_sent(obj, reply)
        problems = []
        if reply.status in (Reply.Status.DRAFT, Reply.Status.AWAITING_APPROVAL):
            try:
                answers.send_checks(reply, obj)
            except ValidationError as error:
                problems = error.messages
        email = answer_message(shown_reply)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": obj,
            "title": _("Preview of the answer to %(number)s") % {"number": obj.number},
            "reply": reply,
            "email": email,
            "page_url": reverse("admin:desk_customerrequest_preview_page", args=[obj.pk, reply.pk]),
            "answer": shown_reply,
            "complaint_route_company": obj.company,
            "problems": problems,
            "cells": answers.marketing_cells_described(reply),
            "shown": answers.fingerprint(reply),
            "can_send": reply.status == Reply.Status.DRAFT and request.user.has_perm(ANSWER_PERMISSION)
            and obj.is_open,
            "can_approve": reply.status == Reply.Status.AWAITING_APPROVAL and reply.author_id != request.user.pk
            and request.user.has_perm(services.APPROVE_PERMISSION) and obj.is_open,
            "is_refusal": reply.outcome in REFUSALS,
            "change_url": reverse("admin:desk_customerrequest_change", args=[obj.pk]),
        }
        response = TemplateResponse(request, "admin/desk/customerrequest/preview.html", context, status=status)
        add_never_cache_headers(response)
        return response

    def record_view(self, request, object_id, file_id):
        """A file of a company's records, to staff who may see requests, never cached."""
        obj = self._request_or_404(request, object_id)
        record = CompanyRecordFile.objects.filter(pk=file_id, task__request=obj, deleted_at__isnull=True).first()
        if record is None or not storage().exists(record.stored_name):
            raise Http404
        response = FileResponse(storage().open(record.stored_name), content_type=record.content_type,
                                as_attachment=True, filename=record.stored_name)
        add_never_cache_headers(response)
        return response
