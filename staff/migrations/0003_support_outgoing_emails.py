"""Once granted 顧客対応 the customer emails. Kept, empty, so that the migration history of existing databases still
holds."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("staff", "0002_approval_roles"),
        ("consents", "0008_outgoing_emails"),
    ]

    # Roles are synced from staff/roles.py after every migrate (staff.services.roles_sync).
    operations = []
