"""顧客対応 work the desk: see the queue, assign, note, answer, and approve another person's refusal
(the service refuses their own). Reversing takes back exactly these permissions."""

import importlib

from django.db import migrations

roles = importlib.import_module("staff.migrations.0001_staff_roles")

WANTED = {
    "desk": [
        "view_customerrequest", "change_customerrequest", "answer_customerrequest", "approve_reply",
        "view_reply", "view_note", "view_requestdocument",
    ],
}


def grant(apps, schema_editor):
    support, _ = apps.get_model("auth", "Group").objects.get_or_create(name=roles.SUPPORT)
    support.permissions.add(*roles._permissions(apps, WANTED))


def revoke(apps, schema_editor):
    support = apps.get_model("auth", "Group").objects.filter(name=roles.SUPPORT).first()
    if support is not None:
        support.permissions.remove(*roles._permissions(apps, WANTED))


class Migration(migrations.Migration):
    dependencies = [
        ("desk", "0001_initial"),
        ("staff", "0003_support_outgoing_emails"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
