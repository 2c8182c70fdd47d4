"""The customer's requests (/my/requests/)."""

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
from .forms import RequestForm
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


@return_after_login
@policyholder_required
@allow_methods("GET", "HEAD", "POST")
def request_new(request):
    if request.method != "POST":
        return _request_form(request, RequestForm(initial={"kind": request.GET.get("kind")}))
    if REQUEST_LIMIT.exceeded(str(request.policyholder.pk)):
        return too_many_requests(request, retry_after=REQUEST_LIMIT.window,
                                 message=_("There were too many requests. Wait an hour and try again."))
    form = RequestForm(request.POST, request.FILES)
    if not form.is_valid():
        return _request_form(request, form, status=400)
    try:
        customer_request = request_submit(
            policyholder=request.policyholder,
            idempotency_key=form.cleaned_data["idempotency_key"],
            kind=form.cleaned_data["kind"],
            delivery=form.cleaned_data["delivery"],
            company=form.cleaned_data["company"],
            details=form.cleaned_data["details"],
            agent_name=form.cleaned_data["agent_name"],
            agent_relationship=form.cleaned_data["agent_relationship"],
            documents=form.documents(),
            ip_address=client_ip(request),
            user_agent=request.headers.get("User-Agent", ""),
        )
    except ValidationError as error:
        form.add_error(None, error)
        return _request_form(request, form, status=400)
    messages.success(
        request, _("Your request has been received. Request number: %(number)s") % {"number": customer_request.number}
    )
    return redirect(customer_request)


def _request_form(request, form, *, status=200):
    return render(request, "desk/request_form.html", {"form": form, "due_days": settings.REQUEST_DUE_DAYS},
                  status=status)


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
