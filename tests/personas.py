"""Staff personas in the roles the migration creates (編集者, 承認者, 顧客対応), for tests of the admin."""

import importlib

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

PASSWORD = "test-password-for-staff"


def ensure_roles() -> None:
    """A transactional test flushes the groups the migration made; make them again, as the migration does."""
    importlib.import_module("staff.migrations.0001_staff_roles").create_roles(apps, None)
    importlib.import_module("staff.migrations.0002_approval_roles").grant(apps, None)
    importlib.import_module("staff.migrations.0003_support_outgoing_emails").grant(apps, None)
    importlib.import_module("staff.migrations.0004_notice_records").grant(apps, None)
    importlib.import_module("staff.migrations.0005_contact_window_roles").grant(apps, None)
    importlib.import_module("insights.migrations.0002_report_roles").grant(apps, None)
    importlib.import_module("staff.migrations.0006_campaign_roles").grant(apps, None)
    importlib.import_module("desk.migrations.0002_support_role").grant(apps, None)


def staff(username: str, group_name: str | None):
    ensure_roles()
    user = get_user_model().objects.create_user(username, f"{username}@example.com", PASSWORD, is_staff=True)
    if group_name:
        user.groups.add(Group.objects.get(name=group_name))
    return user


def editor(username: str = "editor"):
    return staff(username, "編集者")


def approver(username: str = "approver"):
    return staff(username, "承認者")


def support(username: str = "support"):
    return staff(username, "顧客対応")
