"""The inquiry windows are public content like companies and the FAQ: 編集者 keeps them (each save of a
published window a proposal), 承認者 reads them to approve, 顧客対応 reads them to tell a customer where to
turn. Reversing takes back exactly these permissions."""

import importlib

from django.db import migrations

roles = importlib.import_module("staff.migrations.0001_staff_roles")

MODEL = "contactwindow"
GRANTS = {
    roles.EDITOR: {"contact": [f"{action}_{MODEL}" for action in ("add", "change", "delete", "view")]},
    roles.APPROVER: {"contact": [f"view_{MODEL}"]},
    roles.SUPPORT: {"contact": [f"view_{MODEL}"]},
}


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name, wanted in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*roles._permissions(apps, wanted))


def take_back(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name, wanted in GRANTS.items():
        group = Group.objects.filter(name=name).first()
        if group is not None:
            group.permissions.remove(*roles._permissions(apps, wanted))


class Migration(migrations.Migration):
    dependencies = [
        ("staff", "0004_notice_records"),
        ("contact", "0001_initial"),
    ]

    operations = [migrations.RunPython(grant, take_back)]
