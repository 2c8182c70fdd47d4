from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class StaffConfig(AppConfig):
    name = "staff"
    verbose_name = _("Staff login security")

    def ready(self):
        from auditlog.registry import auditlog
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group

        from .services import roles_sync_after_migrate

        # Staff's own post_migrate comes once per migrate (and per flush). The sync creates the permissions of the
        # apps whose post_migrate, where Django creates them, comes after staff's in INSTALLED_APPS.
        post_migrate.connect(roles_sync_after_migrate, sender=self, dispatch_uid="staff.roles_sync")

        # Connects the login receiver that starts the staff session clocks before any request is served, not
        # when the middleware first loads (a login before that would get a session without its clocks).
        from . import sessions  # noqa: F401

        # Staff roles in the audit trail: who may do what, and who gave it. Never the password or logins.
        auditlog.register(
            get_user_model(),
            include_fields=["username", "is_active", "is_staff", "is_superuser"],
            m2m_fields={"groups", "user_permissions"},
        )
        auditlog.register(Group, include_fields=["name"], m2m_fields={"permissions"})


class StaffAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with our site as `admin.site`, so that every app's @admin.register and
    the URLs keep using admin.site. Listed in INSTALLED_APPS instead of "django.contrib.admin"."""

    # Not the config that "staff" in INSTALLED_APPS picks.
    default = False
    default_site = "staff.admin_site.StaffAdminSite"
