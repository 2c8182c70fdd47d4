"""顧客対応 see the disclosure packages and their downloads (a customer asks about theirs) and build a
given-up one again."""

import importlib

from django.db import migrations

roles = importlib.import_module("staff.migrations.0001_staff_roles")

WANTED = {"disclosure": ["view_disclosurepackage", "retry_disclosurepackage", "view_disclosuredownload"]}


def grant(apps, schema_editor):
    support = apps.get_model("auth", "Group").objects.filter(name=roles.SUPPORT).first()
    if support is not None:
        support.permissions.add(*roles._permissions(apps, WANTED))


def revoke(apps, schema_editor):
    support = apps.get_model("auth", "Group").objects.filter(name=roles.SUPPORT).first()
    if support is not None:
        support.permissions.remove(*roles._permissions(apps, WANTED))


class Migration(migrations.Migration):
    dependencies = [
        ("disclosure", "0001_initial"),
        ("staff", "0003_support_outgoing_emails"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
