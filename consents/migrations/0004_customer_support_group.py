"""Once granted the 顧客対応 group its permissions. Kept, empty, so that the migration history of existing databases
still holds."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("consents", "0003_login_tokens"),
    ]

    # Roles are synced from staff/roles.py after every migrate (staff.services.roles_sync).
    operations = []
