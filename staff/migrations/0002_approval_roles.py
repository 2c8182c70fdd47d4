"""The two-person rule beyond notice versions, and the audit trail: 承認者 may approve or reject a change
that an editor proposed to a company or an FAQ entry; both roles see the change requests and the audit
trail (read-only for everyone). Reversing takes back exactly these permissions."""

import importlib

from django.db import migrations

roles = importlib.import_module("staff.migrations.0001_staff_roles")

APPROVER_ONLY = {"approvals": ["approve_changerequest"]}
BOTH = {"approvals": ["view_changerequest"], "auditlog": ["view_logentry"]}


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    editor, _ = Group.objects.get_or_create(name=roles.EDITOR)
    approver, _ = Group.objects.get_or_create(name=roles.APPROVER)
    editor.permissions.add(*roles._permissions(apps, BOTH))
    approver.permissions.add(*roles._permissions(apps, BOTH), *roles._permissions(apps, APPROVER_ONLY))


def take_back(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    wanted = {**BOTH, "approvals": BOTH["approvals"] + APPROVER_ONLY["approvals"]}
    permissions = [
        permission
        for app_label, codenames in wanted.items()
        for permission in Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
    ]
    for group in Group.objects.filter(name__in=[roles.EDITOR, roles.APPROVER]):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("staff", "0001_staff_roles"),
        ("approvals", "0001_initial"),
        ("auditlog", "0017_add_actor_email"),
    ]

    operations = [migrations.RunPython(grant, take_back)]
