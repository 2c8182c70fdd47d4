"""Japanese error pages: every refusal a visitor can meet explains itself, in Japanese, with a 4xx."""

import functools
import sys

from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _


def error_page(request, *, status: int, message: str, title: str | None = None):
    titles = {
        400: _("The request could not be understood"),
        403: _("You cannot open this page"),
        404: _("The page was not found"),
        405: _("This method is not allowed"),
        429: _("Too many requests"),
        503: _("The service is temporarily unavailable"),
    }
    context = {"title": title or titles.get(status, _("An error occurred")), "message": message, "status": status}
    return render(request, "portal/error.html", context, status=status)


def allow_methods(*methods):
    """Like require_http_methods, but the refusal is a Japanese page rather than an empty 405."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method not in methods:
                response = error_page(
                    request, status=405, message=_("Use the buttons and links on the page to continue.")
                )
                response["Allow"] = ", ".join(methods)
                return response
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def bad_request(request, exception=None):
    return error_page(request, status=400, message=_("Please check the address or the values you entered."))


def permission_denied(request, exception=None):
    return error_page(request, status=403, message=_("You do not have permission to open this page."))


def page_not_found(request, exception=None):
    return error_page(request, status=404, message=_("The page may have moved or the address may be wrong."))


def server_error(request):
    from .outage import OUTAGE_ERRORS, unavailable_page  # outage imports this module

    # Called while the exception is being handled: a lost database or cache outside a view (in a
    # middleware, say) still gets the 503 page rather than this one.
    exception = sys.exc_info()[1]
    if isinstance(exception, OUTAGE_ERRORS):
        return unavailable_page(request, exception)
    # No template context processors or database here: the failure may be in either.
    return HttpResponseServerError(loader.get_template("500.html").render())
