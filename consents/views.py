"""The preference center: login by email link, the customer's pages, logout."""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.generic import DetailView, ListView

from core.clientaddress import client_ip
from core.errors import allow_methods, error_page
from core.ratelimit import too_many_requests
from customers.login import (
    LINK_IP_LIMIT,
    LOGIN_IP_LIMIT,
    SESSION_IDLE_SECONDS,
    LoginLinkError,
    current_policyholder,
    customer_login,
    customer_logout,
    login_address_limited,
    login_link_check,
    login_link_redeem,
    policyholder_required,
)

from .forms import LoginForm, PreferencesForm
from .history import history_sections
from .models import ConsentEvent, Receipt, Source
from .reconsent import questions_for
from .resume import after_login_path, pending_choices_take, pending_choices_waiting, return_after_login
from .selectors import (
    contracts_first,
    default_matrix,
    joint_use_version_in_force,
    matrix_axes,
    preference_matrix,
)
from .services import preferences_update
from .tasks import login_link_send


def link_error_page(request, error: LoginLinkError):
    messages_by_code = {
        "unknown": _("This login link is not valid. Check that the whole address was copied from the email."),
        "used": _("This login link has already been used. Each link logs you in once."),
        "expired": _("This login link has expired. Links are valid for 15 minutes."),
    }
    return error_page(
        request,
        status=400,
        title=_("The login link cannot be used"),
        message=messages_by_code[error.code] + " " + _("Ask for a new link on the login page."),
    )


@never_cache
@allow_methods("GET", "HEAD", "POST")
def login(request):
    if request.method != "POST":
        if current_policyholder(request) is not None:
            return redirect("consents:my")
        form = LoginForm()
        kept = pending_choices_waiting(request)
        context = {"form": form, "required": "required" in request.GET, "choices_kept": kept}
        return render(request, "consents/login.html", context)
    # Both limits count every request, known address or not, so a refusal says nothing about who is
    # registered; and so does the answer's timing: the address is looked up in a worker, not here.
    over_ip = LOGIN_IP_LIMIT.exceeded(client_ip(request) or "unknown")
    form = LoginForm(request.POST)
    over_address = form.is_valid() and login_address_limited(form.cleaned_data["email"])
    if over_ip or over_address:
        message = _("There were too many login requests. Wait 15 minutes and try again.")
        return too_many_requests(request, retry_after=LOGIN_IP_LIMIT.window, message=message)
    if not form.is_valid():
        return render(request, "consents/login.html", {"form": form}, status=400)
    login_link_send.enqueue(form.cleaned_data["email"])
    return redirect("consents:login_sent")


@never_cache
@allow_methods("GET", "HEAD")
def login_sent(request):
    return render(request, "consents/login_sent.html")


@never_cache
@allow_methods("GET", "HEAD", "POST")
def login_link(request, token: str):
    """GET shows a button and changes nothing, so a mail scanner that fetches the link does not use it up."""
    if request.method == "POST" and LINK_IP_LIMIT.exceeded(client_ip(request) or "unknown"):
        message = _("There were too many attempts. Wait 15 minutes and try again.")
        return too_many_requests(request, retry_after=LINK_IP_LIMIT.window, message=message)
    try:
        if request.method != "POST":
            login_link_check(token=token)
            return render(request, "consents/login_link.html")
        policyholder = login_link_redeem(token=token)
    except LoginLinkError as error:
        return link_error_page(request, error)
    customer_login(request, policyholder)
    return redirect(after_login_path(request) or "consents:my")


@never_cache
@allow_methods("POST")
def logout(request):
    customer_logout(request)
    return redirect("consents:logged_out")


@never_cache
@allow_methods("GET", "HEAD")
def logged_out(request):
    return render(request, "consents/logged_out.html")


@return_after_login
@policyholder_required
@allow_methods("GET", "HEAD")
def my(request):
    policyholder = request.policyholder
    matrix = preference_matrix(policyholder=policyholder)
    summary = [
        (company, [c.channel for c in cells if c.allowed], [c.channel for c in cells if not c.allowed])
        for company, cells in matrix
    ]
    context = {
        "policyholder": policyholder,
        "policies": policyholder.policies.select_related("company"),
        "summary": summary,
        "latest_receipt": policyholder.receipts.first(),
        "questions": questions_for(policyholder),
    }
    return render(request, "consents/my.html", context)


@return_after_login
@policyholder_required
@allow_methods("GET", "HEAD", "POST")
def preferences(request):
    policyholder = request.policyholder
    if request.method != "POST":
        matrix, contracted = contracts_first(preference_matrix(policyholder=policyholder), policyholder=policyholder)
        kept = pending_choices_take(request)
        form = PreferencesForm(matrix=matrix, pending=kept)
        return _render_preferences(request, form, contracted=contracted, restored=bool(form.pending))
    # The posted form carries what its page showed, so checking it needs no stored value: the service reads
    # those under its lock. Only a form sent back to be corrected needs the customer's own matrix.
    form = PreferencesForm(request.POST, matrix=default_matrix(policyholder))
    if not form.is_valid():
        matrix, contracted = contracts_first(preference_matrix(policyholder=policyholder), policyholder=policyholder)
        form = PreferencesForm(request.POST, matrix=matrix)
        form.is_valid()
        return _render_preferences(request, form, contracted=contracted, status=400)
    stop_all = form.cleaned_data["stop_all"]
    try:
        result = preferences_update(
            policyholder=policyholder,
            changes=form.changes(),
            source=Source.PORTAL,
            idempotency_key=form.cleaned_data["idempotency_key"],
            ip_address=client_ip(request),
            user_agent=request.headers.get("User-Agent", ""),
            # Stopping everything means the same whatever changed meanwhile; any other save is checked
            # against what the page showed, so that an old tab neither undoes nor hides a newer change.
            expected=None if stop_all else form.shown(),
        )
    except ValidationError as error:
        return error_page(request, status=400, message=" ".join(error.messages))
    if result.stale:
        messages.warning(request, _stale_message(form, result))
    if result.receipt is None:
        if not result.stale:
            messages.info(request, _("Nothing was changed: the settings were already as you chose."))
        return redirect("consents:preferences")
    return redirect("consents:receipt", number=result.receipt.number)


def _stale_message(form, result) -> str:
    """Names the cells changed elsewhere since the page was opened, with their value now: the page showed
    the old one, so neither "nothing changed" nor silence would be true."""
    shown = form.shown()
    cells = {(cell.company.pk, cell.channel.code): cell for cell in form.cells.values()}
    now = "、".join(
        "{}／{}：{}".format(
            cells[key].company.short_name, cells[key].channel.name, _("Do not receive") if shown[key] else _("Receive")
        )
        for key in result.stale
    )
    if result.receipt is None:
        text = _(
            "After you opened the page, these settings were changed elsewhere (in another window, by a request to "
            "our staff or by an unsubscribe link in an email), so what the page showed was out of date. None of "
            "your choices needed saving. The settings now are: %(cells)s. The page below shows them; choose again "
            "and save if you want them otherwise."
        )
    else:
        text = _(
            "Your changes were saved. After you opened the page, these settings had been changed elsewhere (in "
            "another window, by a request to our staff or by an unsubscribe link in an email); they were left as "
            "they are now: %(cells)s. To change them, open the preferences page again."
        )
    return text % {"cells": now}


def _render_preferences(request, form, *, contracted=frozenset(), status=200, **extra):
    version = joint_use_version_in_force()
    context = {
        "form": form,
        "version": version,
        "notice": version.notice if version else None,
        "contracted": contracted,
        "channels": matrix_axes()[1],
        # Each customer page restarts the idle clock (policyholder_required), so it ends this long after now.
        "session_ends": timezone.now() + datetime.timedelta(seconds=SESSION_IDLE_SECONDS),
        "session_minutes": SESSION_IDLE_SECONDS // 60,
        **extra,
    }
    return render(request, "consents/preferences.html", context, status=status)


@method_decorator([return_after_login, policyholder_required, allow_methods("GET", "HEAD")], name="dispatch")
class ReceiptView(DetailView):
    template_name = "consents/receipt.html"
    context_object_name = "receipt"
    slug_field = slug_url_kwarg = "number"

    def get_queryset(self):
        # Another policyholder's receipt number is simply not found.
        return Receipt.objects.filter(policyholder=self.request.policyholder)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            events=self.object.events.select_related("company", "channel", "notice_version__notice").order_by("id"),
            **kwargs,
        )


receipt = ReceiptView.as_view()


@method_decorator([return_after_login, policyholder_required, allow_methods("GET", "HEAD")], name="dispatch")
class HistoryView(ListView):
    template_name = "consents/history.html"
    context_object_name = "events"
    paginate_by = 20

    def get_queryset(self):
        return (
            ConsentEvent.objects.filter(policyholder=self.request.policyholder)
            .select_related("receipt", "company", "channel")
            .order_by("-id")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Other records of the customer (their requests to the desk), on the first page only.
        page = context.get("page_obj")
        context["sections"] = history_sections(self.request.policyholder) if not page or page.number == 1 else []
        return context


history = HistoryView.as_view()
