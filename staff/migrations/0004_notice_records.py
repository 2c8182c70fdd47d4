"""Every role sees the notice records (who was told of a notice version, and their answers): 顧客対応 when a
customer asks, 編集者 and 承認者 for the campaigns they prepare and start. Nobody changes them."""

import importlib

from django.db import migrations

roles = importlib.import_module("staff.migrations.0001_staff_roles")

WANTED = {"consents": ["view_noticerecord"]}


def grant(apps, schema_editor):
    for group in apps.get_model("auth", "Group").objects.filter(name__in=[roles.EDITOR, roles.APPROVER, roles.SUPPORT]):
        group.permissions.add(*roles._permissions(apps, WANTED))


def revoke(apps, schema_editor):
    for group in apps.get_model("auth", "Group").objects.filter(name__in=[roles.EDITOR, roles.APPROVER, roles.SUPPORT]):
        group.permissions.remove(*roles._permissions(apps, WANTED))


class Migration(migrations.Migration):
    dependencies = [
        ("staff", "0003_support_outgoing_emails"),
        ("consents", "0010_notice_records"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
