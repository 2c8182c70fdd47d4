"""The opt-in dashboard (aggregates, no personal data) for 編集者, 承認者 and 顧客対応; the answers to consent
requests (names and customer numbers) for 承認者, who signs off the consent ground, and 顧客対応, who answers the
customers. Reversing takes back exactly these permissions."""

import importlib

from django.db import migrations

roles = importlib.import_module("staff.migrations.0001_staff_roles")

GRANTS = {
    roles.EDITOR: ["view_optindashboard"],
    roles.APPROVER: ["view_optindashboard", "view_consentreport"],
    roles.SUPPORT: ["view_optindashboard", "view_consentreport"],
}


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name, codenames in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*roles._permissions(apps, {"insights": codenames}))


def take_back(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GRANTS.items():
        permissions = Permission.objects.filter(content_type__app_label="insights", codename__in=codenames)
        for group in Group.objects.filter(name=name):
            group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("insights", "0001_reports"),
        ("staff", "0003_support_outgoing_emails"),
    ]

    operations = [migrations.RunPython(grant, take_back)]
