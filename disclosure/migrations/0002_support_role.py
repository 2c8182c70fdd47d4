"""Once granted 顧客対応 the disclosure packages. Kept, empty, so that the migration history of existing databases
still holds."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("disclosure", "0001_initial"),
        ("staff", "0003_support_outgoing_emails"),
    ]

    # Roles are synced from staff/roles.py after every migrate (staff.services.roles_sync).
    operations = []
