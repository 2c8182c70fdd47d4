"""Once created the staff roles. Kept, empty, so that the migration history of existing databases still holds."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("notices", "0002_publication_grounds"),
    ]

    # Roles are synced from staff/roles.py after every migrate (staff.services.roles_sync).
    operations = []
