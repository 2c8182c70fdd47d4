"""The admin site: Django's, with our login form and, when settings.ADMIN_REQUIRE_OTP is on, only
sessions verified by a second factor let in.

The setting is read on every request rather than when the site is built, so that one process (and
a test with override_settings) can switch it.
"""

from django.conf import settings
from django.contrib import admin

from .forms import StaffLoginForm


class StaffAdminSite(admin.AdminSite):
    login_form = StaffLoginForm
    login_template = "staff/login.html"

    def has_permission(self, request):
        if not super().has_permission(request):
            return False
        if not settings.ADMIN_REQUIRE_OTP:
            return True
        # OTPMiddleware gives request.user is_verified(); a session that logged in with a password
        # alone (before the setting was on, or elsewhere) is sent back to the login page.
        is_verified = getattr(request.user, "is_verified", None)
        return bool(is_verified and is_verified())
