"""The staff roles as groups, each with the permissions of the apps it works in:
編集者 drafts notice versions and edits companies and the FAQ; 承認者 reviews and publishes; 顧客対応
looks customers up and records a change they asked for by phone or on paper.

Earlier databases got these groups from migrations of the notices and consents apps; every step here
is get_or_create, so running it on such a database changes nothing."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR = "編集者"
APPROVER = "承認者"
SUPPORT = "顧客対応"

CONTENT = {
    "notices": ["company", "notice", "noticeversion", "dataitem", "jointuser", "purpose", "section"],
    "faq": ["faqentry"],
}
SUPPORT_PERMISSIONS = {
    "consents": [
        "view_policyholder",
        "change_policyholder",
        "record_preference_change",
        "view_policy",
        "add_policy",
        "change_policy",
        "view_preference",
        "view_consentevent",
        "view_receipt",
        "view_channel",
    ],
}
PUBLISH = ("notices", "publish_noticeversion")


def _permissions(apps, wanted: dict[str, list[str]]):
    Permission = apps.get_model("auth", "Permission")
    found = []
    for app_label, codenames in wanted.items():
        # Permissions are normally created after all migrations; create this app's now so they can be granted.
        app_config = apps.get_app_config(app_label)
        models_module, app_config.models_module = getattr(app_config, "models_module", None), True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = models_module
        found += Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
    return found


def _content(actions):
    return {app: [f"{action}_{model}" for model in models for action in actions] for app, models in CONTENT.items()}


def create_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    editor, _ = Group.objects.get_or_create(name=EDITOR)
    editor.permissions.add(*_permissions(apps, _content(["add", "change", "delete", "view"])))
    approver, _ = Group.objects.get_or_create(name=APPROVER)
    approver.permissions.add(*_permissions(apps, _content(["view"])), *_permissions(apps, {PUBLISH[0]: [PUBLISH[1]]}))
    support, _ = Group.objects.get_or_create(name=SUPPORT)
    support.permissions.add(*_permissions(apps, _content(["view"])), *_permissions(apps, SUPPORT_PERMISSIONS))


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=[EDITOR, APPROVER, SUPPORT]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("notices", "0003_staff_roles"),
        ("faq", "0001_initial"),
        ("consents", "0005_verbose_names"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
