"""The customer's requests (/my/requests/)."""

import uuid

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView

from consents.resume import return_after_login
from core.clientaddress import client_ip
from core.errors import allow_methods, error_page
from core.ratelimit import RateLimit, too_many_requests
from customers.login import policyholder_required

from .answers import page_context
from .company_records import downloadable
from .documents import storage
from .fees import fee_table
from .forms import FORM_KINDS, SERVER_FIELDS, MarketingStopForm, RequestForm
from .guide import kind_guide
from .identity import IDENTITY_KINDS, IDENTITY_LIMIT
from .marketing import cells_sign, cells_unsign, marketing_choices, marketing_stop_plan
from .models import CompanyRecordFile, CustomerRequest
from .selectors import customer_requests
from .services import request_submit

# Requests are few: more than ten an hour from one customer is a script or a mistake.
REQUEST_LIMIT = RateLimit("desk-request", limit=10, window=60 * 60)

customer_page = [return_after_login, policyholder_required]


@method_decorator([*customer_page, allow_methods("GET", "HEAD")], name="dispatch")
class RequestListView(ListView):
    template_name = "desk/request_list.html"
    context_object_name = "requests"
    paginate_by = 20

    def get_queryset(self):
        return customer_requests(self.request.policyholder)


request_list = RequestListView.as_view()


def _forged(request):
    """A posted field only the desk may set (a fee, an identity result, a customer): refused before anything."""
    if SERVER_FIELDS & set(request.POST):
        return error_page(request, status=400, message=_(
            "The fee and the result of the identity check are set by us, not sent with the form. Open the "
            "page again and send the request without them."
        ))
    return None


@return_after_login
@policyholder_required
@allow_methods("GET", "HEAD", "POST")
def request_new(request):
    if request.method != "POST":
        if request.GET.get("kind") == CustomerRequest.Kind.MARKETING_STOP:
            return redirect("desk:marketing_stop")
        return _request_form(request, RequestForm(initial={"kind": request.GET.get("kind")}))
    if (forged := _forged(request)) is not None:
        return forged
    if REQUEST_LIMIT.exceeded(str(request.policyholder.pk)):
        return too_many_requests(request, retry_after=REQUEST_LIMIT.window,
                                 message=_("There were too many requests. Wait an hour and try again."))
    form = RequestForm(request.POST, request.FILES)
    if not form.is_valid():
        return _request_form(request, form, status=400)
    kind = form.cleaned_data["kind"]
    if kind in IDENTITY_KINDS and IDENTITY_LIMIT.exceeded(str(request.policyholder.pk)):
        return too_many_requests(request, retry_after=IDENTITY_LIMIT.window, message=_(
            "The policy number and date of birth were entered too many times. Wait an hour and try again, or "
            "contact us."
        ))
    try:
        customer_request = request_submit(
            policyholder=request.policyholder,
            idempotency_key=form.cleaned_data["idempotency_key"],
            kind=kind,
            delivery=form.cleaned_data["delivery"],
            company=form.cleaned_data["company"],
            details=form.cleaned_data["details"],
            agent=form.agent(),
            documents=form.documents(),
            seal_issued_on=form.cleaned_data["seal_issued_on"],
            policy_number=form.cleaned_data["policy_number"],
            birth_date=form.cleaned_data["birth_date"],
            ip_address=client_ip(request),
            user_agent=request.headers.get("User-Agent", ""),
        )
    except ValidationError as error:
        field = "policy_number" if getattr(error, "code", None) == "identity" else None
        form.add_error(field, error)
        return _request_form(request, form, status=400)
    messages.success(
        request, _("Your request has been received. Request number: %(number)s") % {"number": customer_request.number}
    )
    return redirect(customer_request)


def _request_form(request, form, *, status=200):
    guide = kind_guide()
    companies = list(form.fields["company"].queryset)
    return render(request, "desk/request_form.html", {
        "form": form, "due_days": settings.REQUEST_DUE_DAYS,
        "kind_choices": list(zip(form["kind"], [guide[kind] for kind in FORM_KINDS], strict=True)),
        "identity_kinds": sorted(IDENTITY_KINDS), "fees": fee_table(route=CustomerRequest.Route.ONLINE,
                                                                     companies=companies),
        "seal_months": settings.REQUEST_SEAL_CERTIFICATE_MONTHS,
    }, status=status)


@return_after_login
@policyholder_required
@allow_methods("GET", "HEAD", "POST")
def marketing_stop(request):
    """ご案内の停止: choose (GET), see each change (POST), confirm (POST with the signed confirmation)."""
    companies, channels = marketing_choices(request.policyholder)
    if request.method != "POST":
        form = MarketingStopForm(companies=companies, channels=channels)
        return _stop_page(request, form)
    if (forged := _forged(request)) is not None:
        return forged
    if "confirmation" in request.POST:
        if REQUEST_LIMIT.exceeded(str(request.policyholder.pk)):
            return too_many_requests(request, retry_after=REQUEST_LIMIT.window,
                                     message=_("There were too many requests. Wait an hour and try again."))
        form = MarketingStopForm(companies=companies, channels=channels)
        try:
            cells, key = cells_unsign(request.policyholder, request.POST["confirmation"])
            customer_request = request_submit(
                policyholder=request.policyholder, kind=CustomerRequest.Kind.MARKETING_STOP, idempotency_key=key,
                marketing_cells=cells, ip_address=client_ip(request),
                user_agent=request.headers.get("User-Agent", ""),
            )
        except ValidationError as error:
            return _stop_page(request, form, status=400, error=" ".join(error.messages))
        messages.success(request, _("Your request has been received. Request number: %(number)s")
                         % {"number": customer_request.number})
        return redirect(customer_request)
    form = MarketingStopForm(request.POST, companies=companies, channels=channels)
    if not form.is_valid():
        return _stop_page(request, form, status=400)
    try:
        plan = marketing_stop_plan(request.policyholder, form.cells())
    except ValidationError as error:
        form.add_error(None, error)
        return _stop_page(request, form, status=400)
    changes = [change for change in plan if change.changes]
    return render(request, "desk/marketing_stop_confirm.html", {
        "changes": changes, "unchanged": len(plan) - len(changes),
        "confirmation": cells_sign(request.policyholder, form.cells(), uuid.uuid4().hex) if changes else "",
    })


def _stop_page(request, form, *, status=200, error=""):
    return render(request, "desk/marketing_stop.html", {"form": form, "error": error}, status=status)


@method_decorator([*customer_page, allow_methods("GET", "HEAD")], name="dispatch")
class RequestDetailView(DetailView):
    template_name = "desk/request_detail.html"
    context_object_name = "customer_request"
    slug_field = slug_url_kwarg = "number"

    def get_queryset(self):
        # Another customer's request number is simply not found (the Japanese 404).
        return CustomerRequest.objects.filter(policyholder=self.request.policyholder).select_related("company")

    def get_context_data(self, **kwargs):
        # Only what was sent: internal notes, drafts and answers awaiting approval never reach the customer.
        return super().get_context_data(**page_context(self.object), **kwargs)


request_detail = RequestDetailView.as_view()


@return_after_login
@policyholder_required
@allow_methods("GET", "HEAD")
def record_download(request, number, file_id):
    """A file of a company's records answered to the customer's 開示: theirs only, once the answer is sent,
    during the download period; never cached."""
    record = CompanyRecordFile.objects.filter(
        pk=file_id, task__request__number=number, task__request__policyholder=request.policyholder
    ).select_related("task__request").first()
    if record is None:
        raise Http404
    if record.deleted_at is not None or not downloadable(record.task.request):
        return error_page(request, status=410, message=_("The download period of this file is over. Please "
                                                         "contact us with the request number."))
    response = FileResponse(storage().open(record.stored_name), content_type=record.content_type,
                            as_attachment=True, filename=f"{number}-{record.task.company_id}-{record.pk}."
                            f"{record.stored_name.rsplit('.', 1)[-1]}")
    add_never_cache_headers(response)
    return response
