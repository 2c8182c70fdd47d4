"""Staff sessions end STAFF_SESSION_IDLE_SECONDS after the last admin request (30 minutes) and
STAFF_SESSION_MAX_SECONDS after login (12 hours) however busy (OWASP ASVS L2 3.3). Customers are not
Django users; their sessions keep their own 30-minute idle clock (customers/login.py)."""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.urls import reverse

LOGIN_AT = "staff_login_at"
SEEN_AT = "staff_seen_at"


@receiver(user_logged_in, dispatch_uid="staff.sessions.login")
def _start(sender, request, user, **kwargs):
    now = time.time()
    request.session[LOGIN_AT] = request.session[SEEN_AT] = now
    request.session.set_expiry(settings.STAFF_SESSION_IDLE_SECONDS)


class StaffSessionMiddleware:
    """Only under the admin's path: public pages must not read the session (they vary on no cookie)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith(reverse("admin:index")) and request.user.is_authenticated:
            now = time.time()
            session = request.session
            started, seen = session.get(LOGIN_AT), session.get(SEEN_AT)
            idle, most = settings.STAFF_SESSION_IDLE_SECONDS, settings.STAFF_SESSION_MAX_SECONDS
            if started is None or seen is None or now - seen > idle or now - started > most:
                logout(request)  # the admin then sends them to its login page
            else:
                session[SEEN_AT] = now
                # The session's own expiry too, so that the cache drops it even if nobody comes back.
                session.set_expiry(max(1, int(min(idle, started + most - now))))
        return self.get_response(request)
