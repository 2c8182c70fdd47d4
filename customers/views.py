"""The customer's login by email link, and logout."""

from django.conf import settings
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from core.clientaddress import client_ip
from core.errors import allow_methods, error_page
from core.ratelimit import too_many_requests

from .forms import LoginForm
from .login import (
    KEPT_FOR_LOGIN,
    LINK_IP_LIMIT,
    LOGIN_IP_LIMIT,
    LoginLinkError,
    after_login_path,
    current_policyholder,
    customer_login,
    customer_logout,
    login_address_limited,
    login_link_check,
    login_link_redeem,
)
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
            return redirect(settings.CUSTOMER_HOME_URL)
        form = LoginForm()
        kept = KEPT_FOR_LOGIN in request.session
        context = {"form": form, "required": "required" in request.GET, "choices_kept": kept}
        return render(request, "customers/login.html", context)
    # Both limits count every request, known address or not, so a refusal says nothing about who is
    # registered; and so does the answer's timing: the address is looked up in a worker, not here.
    over_ip = LOGIN_IP_LIMIT.exceeded(client_ip(request) or "unknown")
    form = LoginForm(request.POST)
    over_address = form.is_valid() and login_address_limited(form.cleaned_data["email"])
    if over_ip or over_address:
        message = _("There were too many login requests. Wait 15 minutes and try again.")
        return too_many_requests(request, retry_after=LOGIN_IP_LIMIT.window, message=message)
    if not form.is_valid():
        return render(request, "customers/login.html", {"form": form}, status=400)
    login_link_send.enqueue(form.cleaned_data["email"])
    return redirect("customers:login_sent")


@never_cache
@allow_methods("GET", "HEAD")
def login_sent(request):
    return render(request, "customers/login_sent.html")


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
            return render(request, "customers/login_link.html")
        policyholder = login_link_redeem(token=token)
    except LoginLinkError as error:
        return link_error_page(request, error)
    customer_login(request, policyholder)
    return redirect(after_login_path(request) or settings.CUSTOMER_HOME_URL)


@never_cache
@allow_methods("POST")
def logout(request):
    customer_logout(request)
    return redirect("customers:logged_out")


@never_cache
@allow_methods("GET", "HEAD")
def logged_out(request):
    return render(request, "customers/logged_out.html")
