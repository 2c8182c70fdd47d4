"""Notice campaigns: 編集者 prepare them (and may change or delete one not started yet); 承認者 start, stop and
resume them (never one they prepared: the service and a database constraint refuse it). Both see the
campaigns and their postal list downloads, and may download the list for the print vendor."""

import importlib

from django.db import migrations

roles = importlib.import_module("staff.migrations.0001_staff_roles")

EDITOR = {"campaigns": ["add_campaign", "change_campaign", "delete_campaign"]}
APPROVER = {"campaigns": ["start_campaign"]}
BOTH = {"campaigns": ["view_campaign", "view_postaldownload", "download_postal_list"]}


def _groups(apps):
    Group = apps.get_model("auth", "Group")
    return Group.objects.filter(name=roles.EDITOR).first(), Group.objects.filter(name=roles.APPROVER).first()


def grant(apps, schema_editor):
    editor, approver = _groups(apps)
    if editor is not None:
        editor.permissions.add(*roles._permissions(apps, EDITOR), *roles._permissions(apps, BOTH))
    if approver is not None:
        approver.permissions.add(*roles._permissions(apps, APPROVER), *roles._permissions(apps, BOTH))


def revoke(apps, schema_editor):
    editor, approver = _groups(apps)
    if editor is not None:
        editor.permissions.remove(*roles._permissions(apps, EDITOR), *roles._permissions(apps, BOTH))
    if approver is not None:
        approver.permissions.remove(*roles._permissions(apps, APPROVER), *roles._permissions(apps, BOTH))


class Migration(migrations.Migration):
    dependencies = [
        ("staff", "0005_contact_window_roles"),
        ("campaigns", "0001_initial"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
