"""The preference center: the customer's pages."""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView

from core.clientaddress import client_ip
from core.errors import allow_methods, error_page
from customers.login import SESSION_IDLE_SECONDS, policyholder_required

from .forms import PreferencesForm
from .history import history_sections
from .models import ConsentEvent, Receipt, Source
from .reconsent import questions_for
from .resume import pending_choices_take, return_after_login
from .selectors import (
    contracts_first,
    default_matrix,
    joint_use_version_in_force,
    matrix_axes,
    preference_matrix,
)
from .services import preferences_update
from .suppressions import customer_suppressions

# The suppressions a customer can act on themselves, shown on their pages: a bounce (a new address), a complaint
# or their own 全停止 (ask to resume). A death or a litigation hold is not theirs to fix.
SHOWN_SUPPRESSIONS = ("hard_bounce", "complaint", "customer_stop")


def _shown_suppressions(policyholder):
    return [row for row in customer_suppressions(policyholder) if row.kind in SHOWN_SUPPRESSIONS]


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
        "suppressions": _shown_suppressions(policyholder),
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
        "suppressions": _shown_suppressions(request.policyholder),
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
