"""Once granted every role the notice records. Kept, empty, so that the migration history of existing databases
still holds."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("staff", "0003_support_outgoing_emails"),
        ("consents", "0010_notice_records"),
    ]

    # Roles are synced from staff/roles.py after every migrate (staff.services.roles_sync).
    operations = []
