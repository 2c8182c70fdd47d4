"""The 顧客対応 (customer support) group: look customers up, see their preferences and history, and
record a change they asked for by phone or on paper. The notices app creates the same group for its
own permissions, so both use get_or_create and the reverse removes only ours."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP_NAME = "顧客対応"

PERMISSIONS = [
    ("policyholder", "view_policyholder"),
    ("policyholder", "change_policyholder"),
    ("policyholder", "record_preference_change"),
    ("policy", "view_policy"),
    ("policy", "add_policy"),
    ("policy", "change_policy"),
    ("preference", "view_preference"),
    ("consentevent", "view_consentevent"),
    ("receipt", "view_receipt"),
    ("channel", "view_channel"),
]


def permissions(apps):
    # Permissions are normally created after all migrations; create ours now so they can be granted.
    app_config = apps.get_app_config("consents")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    return [
        Permission.objects.get(content_type__app_label="consents", content_type__model=model, codename=codename)
        for model, codename in PERMISSIONS
    ]


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    group, _ = Group.objects.get_or_create(name=GROUP_NAME)
    group.permissions.add(*permissions(apps))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    group = Group.objects.filter(name=GROUP_NAME).first()
    if group is not None:
        group.permissions.remove(*permissions(apps))


class Migration(migrations.Migration):
    dependencies = [
        ("consents", "0003_login_tokens"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
