"""Once granted 編集者 and 承認者 the notice campaigns. Kept, empty, so that the migration history of existing
databases still holds."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("staff", "0005_contact_window_roles"),
        ("campaigns", "0001_initial"),
    ]

    # Roles are synced from staff/roles.py after every migrate (staff.services.roles_sync).
    operations = []
