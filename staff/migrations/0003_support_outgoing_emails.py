"""顧客対応 see the customer emails (a customer asks where a receipt went) and send a given-up one again."""

import importlib

from django.db import migrations

roles = importlib.import_module("staff.migrations.0001_staff_roles")

WANTED = {"consents": ["view_outgoingemail", "retry_outgoingemail"]}


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
        ("staff", "0002_approval_roles"),
        ("consents", "0008_outgoing_emails"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
