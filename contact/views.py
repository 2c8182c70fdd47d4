"""The companies' inquiry windows (/contact/) and the general inquiry form (/contact/form/), which makes an
inquiry in the requests desk's queue."""

import itertools

from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from core.clientaddress import client_ip
from core.errors import allow_methods, error_page
from core.pagecache import public_page
from core.ratelimit import too_many_requests
from desk.services import inquiry_submit

from . import antispam
from .forms import InquiryForm
from .models import ContactWindow


@public_page
def window_list(request):
    windows = ContactWindow.objects.for_page()
    companies = [
        {"company": company, "windows": list(group)}
        for company, group in itertools.groupby(windows, key=lambda window: window.company)
    ]
    return render(request, "contact/window_list.html", {"companies": companies})


def _ticket_message(code: str) -> str:
    return {
        "too_fast": _("The form was sent too quickly after it was opened. Check what you wrote, wait a few "
                      "seconds and send it again."),
        "expired": _("The form was open for too long (more than 3 hours). Check what you wrote and send it again."),
    }.get(code, _("The form is out of date. Check what you wrote and send it again."))


@never_cache
@allow_methods("GET", "HEAD", "POST")
def inquiry_form(request):
    """Anyone may write, without logging in; answered at the address given."""
    if request.method != "POST":
        form = InquiryForm(ticket=antispam.ticket_issue())
        return render(request, "contact/inquiry_form.html", {"form": form})
    if antispam.INQUIRY_IP_LIMIT.exceeded(client_ip(request) or "unknown"):
        return too_many_requests(request, retry_after=antispam.INQUIRY_IP_LIMIT.window,
                                 message=_("There were too many inquiries from your network. Wait an hour and try "
                                           "again, or call the contact window of the company."))
    form = InquiryForm(request.POST, ticket=antispam.ticket_issue())
    if not form.is_valid():
        return render(request, "contact/inquiry_form.html", {"form": form}, status=400)
    if form.cleaned_data[antispam.HONEYPOT]:
        return error_page(request, status=400, message=_("The inquiry could not be accepted."))
    try:
        nonce = antispam.ticket_check(form.cleaned_data["ticket"])
    except antispam.TicketError as error:
        # The form again, with what was written and a new ticket: a person sends it once more.
        form = InquiryForm(request.POST.dict() | {"ticket": antispam.ticket_issue()}, ticket="")
        form.is_valid()
        return render(request, "contact/inquiry_form.html",
                      {"form": form, "ticket_error": _ticket_message(error.code)}, status=400)
    if antispam.INQUIRY_ADDRESS_LIMIT.exceeded(form.cleaned_data["email"]):
        return too_many_requests(request, retry_after=antispam.INQUIRY_ADDRESS_LIMIT.window,
                                 message=_("There were too many inquiries from this address. Wait an hour and try "
                                           "again."))
    inquiry = inquiry_submit(
        name=form.cleaned_data["name"],
        email=form.cleaned_data["email"],
        company=form.cleaned_data["company"],
        message=form.cleaned_data["message"],
        idempotency_key=nonce,
    )
    return render(request, "contact/inquiry_received.html", {"inquiry": inquiry})
