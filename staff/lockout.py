"""The django-axes hooks named in settings (AXES_CLIENT_STR_CALLABLE, AXES_LOCKOUT_CALLABLE).

The client's address comes from core.clientaddress.client_ip (AXES_CLIENT_IP_CALLABLE), so that axes and
the customer login read X-Forwarded-For the same way, through TRUSTED_PROXY_COUNT.
"""

from django.conf import settings
from django.utils.translation import gettext as _

from core.ratelimit import too_many_requests


def client_str(username, ip_address, user_agent, path_info, request) -> str:
    """How axes names the client in its log lines: the path only. Usernames and IP addresses are
    personal data and stay in the database (AccessAttempt), where staff with the right can see them."""
    if isinstance(path_info, list | tuple):
        path_info = path_info[0] if path_info else ""
    return f"path={path_info}"


def lockout_response(request, original_response=None, credentials=None):
    """The page for a locked-out login: Japanese, 429, with Retry-After."""
    seconds = int(settings.AXES_COOLOFF_TIME.total_seconds())
    return too_many_requests(
        request,
        retry_after=seconds,
        title=_("Login is temporarily locked"),
        message=_(
            "Too many failed logins. Try again in %(minutes)d minutes, or ask an administrator to unlock "
            "your account."
        )
        % {"minutes": seconds // 60},
    )
