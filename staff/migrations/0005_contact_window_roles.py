"""Once granted the roles the inquiry windows. Kept, empty, so that the migration history of existing databases
still holds."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("staff", "0004_notice_records"),
        ("contact", "0001_initial"),
    ]

    # Roles are synced from staff/roles.py after every migrate (staff.services.roles_sync).
    operations = []
