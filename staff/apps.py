from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class StaffConfig(AppConfig):
    name = "staff"
    verbose_name = _("Staff login security")


class StaffAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with our site as `admin.site`, so that every app's @admin.register and
    the URLs keep using admin.site. Listed in INSTALLED_APPS instead of "django.contrib.admin"."""

    # Not the config that "staff" in INSTALLED_APPS picks.
    default = False
    default_site = "staff.admin_site.StaffAdminSite"
