"""The tables take this app's names, and the content types (which permissions and the audit trail point to)
follow the models, so every group keeps the permissions it had."""

from django.db import migrations

MODELS = ["policyholder", "policy", "logintoken"]


def content_types_follow(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    ContentType.objects.filter(app_label="consents", model__in=MODELS).update(app_label="customers")
    # The permission to record a change on a customer's behalf is the preference center's.
    old = Permission.objects.filter(content_type__app_label="customers", codename="record_preference_change").first()
    if old is None:
        return
    preference, _ = ContentType.objects.get_or_create(app_label="consents", model="preference")
    new = Permission.objects.filter(content_type=preference, codename=old.codename).first()
    if new is None:
        old.content_type = preference
        old.save(update_fields=["content_type"])
        return
    # Created already for the preference (a database migrated from empty): the groups keep it through that one.
    for group in old.group_set.all():
        group.permissions.add(new)
    for user in old.user_set.all():
        user.user_permissions.add(new)
    old.delete()


def content_types_return(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    policyholder = ContentType.objects.filter(app_label="customers", model="policyholder").first()
    if policyholder is not None:
        Permission.objects.filter(
            content_type__app_label="consents", codename="record_preference_change"
        ).update(content_type=policyholder)
    ContentType.objects.filter(app_label="customers", model__in=MODELS).update(app_label="consents")


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('auth', '0012_alter_user_first_name_max_length'),
        ('customers', '0001_initial'),
        ('consents', '0016_models_to_customers_and_outbox'),
    ]

    operations = [
        migrations.AlterModelTable(name='policyholder', table=None),
        migrations.AlterModelTable(name='policy', table=None),
        migrations.AlterModelTable(name='logintoken', table=None),
        migrations.RunPython(content_types_follow, content_types_return),
    ]
