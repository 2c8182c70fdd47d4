"""Once created the staff roles' groups (編集者, 承認者, 顧客対応) with their permissions. Kept, empty, so that the
migration history of existing databases still holds."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("notices", "0003_staff_roles"),
        ("faq", "0001_initial"),
        ("consents", "0005_verbose_names"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    # Roles are synced from staff/roles.py after every migrate (staff.services.roles_sync).
    operations = []
