"""Japanese error pages: every refusal a visitor can meet explains itself, in Japanese, with a 4xx."""

import functools

from django.contrib.auth import get_user_model
from django.shortcuts import render
from django.utils.translation import gettext as _


def error_page(request, *, status: int, message: str, title: str | None = None, link: tuple[str, str] | None = None):
    """The page for `status` with `message`; `link` (address, label) is the one step that helps most."""
    titles = {
        400: _("The request could not be understood"),
        403: _("You cannot open this page"),
        404: _("The page was not found"),
        405: _("This method is not allowed"),
        413: _("What you sent is too large"),
        429: _("Too many requests"),
        503: _("The service is temporarily unavailable"),
    }
    context = {
        "title": title or titles.get(status, _("An error occurred")), "message": message, "status": status,
        "link": link,
    }
    return render(request, "portal/error.html", context, status=status)


def staff_who_may(permission: str, *, limit: int = 10) -> str:
    """The active staff members whose role grants `permission` ("app_label.codename"), by name, for a refusal
    that says who can do what was refused; superusers are left out (they are not a role)."""
    users = (
        # The model backend decides roles (groups); axes' backend, first in the list, grants nothing.
        get_user_model().objects.with_perm(
            permission, include_superusers=False, backend="django.contrib.auth.backends.ModelBackend"
        )
        .filter(is_active=True, is_staff=True).order_by("username")[:limit]
    )
    names = "、".join(user.get_full_name() or user.get_username() for user in users)
    return names or _("nobody yet: a superuser gives the role in the admin (Users, groups)")


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


class UnrepresentableInputMiddleware:
    """A NUL cannot be stored in or compared with a PostgreSQL text column (psycopg raises before the
    query is sent): in the path it names no page (404), in the query string it is a bad request (400).
    Forms refuse it themselves (Django's ProhibitNullCharactersValidator); the API validates every
    parameter itself and answers in its own format (application/problem+json)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path:
            message = _("There is no page at this address. Please check the address.")
            return error_page(request, status=404, message=message)
        if request.path_info.startswith("/api/"):
            return self.get_response(request)
        if any("\x00" in item for key, values in request.GET.lists() for item in (key, *values)):
            return error_page(request, status=400, message=_("The address contains characters that cannot be used."))
        return self.get_response(request)
