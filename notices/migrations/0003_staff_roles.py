"""The staff roles as groups: 編集者 edits drafts, the FAQ and companies; 承認者 publishes; 顧客対応 answers
customers (the preference center adds its own permissions to it with get_or_create)."""

from django.db import migrations

EDITABLE = {
    "notices": ["company", "notice", "noticeversion", "dataitem", "jointuser", "purpose", "section"],
    "faq": ["faqentry"],
}
EDITOR = "編集者"
APPROVER = "承認者"
SUPPORT = "顧客対応"


def _permission(apps, app_label, model, codename, name):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
    # On a fresh database the permissions are created only after all migrations; make them now.
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type, codename=codename, defaults={"name": name}
    )
    return permission


def _model_permissions(apps, actions):
    return [
        _permission(apps, app_label, model, f"{action}_{model}", f"Can {action} {model}")
        for app_label, models in EDITABLE.items()
        for model in models
        for action in actions
    ]


def create_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    editor, _ = Group.objects.get_or_create(name=EDITOR)
    editor.permissions.add(*_model_permissions(apps, ["add", "change", "delete", "view"]))
    approver, _ = Group.objects.get_or_create(name=APPROVER)
    approver.permissions.add(
        *_model_permissions(apps, ["view"]),
        _permission(apps, "notices", "noticeversion", "publish_noticeversion", "Can publish notice version"),
    )
    support, _ = Group.objects.get_or_create(name=SUPPORT)
    support.permissions.add(*_model_permissions(apps, ["view"]))


def remove_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name__in=[EDITOR, APPROVER]).delete()
    # 顧客対応 may carry other apps' permissions by now: take back only ours, and drop it only if empty.
    support = Group.objects.filter(name=SUPPORT).first()
    if support is not None:
        support.permissions.remove(*support.permissions.filter(content_type__app_label__in=EDITABLE))
        if not support.permissions.exists():
            support.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("notices", "0002_publication_grounds"),
        ("faq", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
