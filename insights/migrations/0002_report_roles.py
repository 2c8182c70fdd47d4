"""Once granted the roles the opt-in dashboard and the answers to consent requests. Kept, empty, so that the
migration history of existing databases still holds."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("insights", "0001_reports"),
        ("staff", "0003_support_outgoing_emails"),
    ]

    # Roles are synced from staff/roles.py after every migrate (staff.services.roles_sync).
    operations = []
