"""Once granted 承認者 the approval of change requests, and both 編集者 and 承認者 the change requests and the audit
trail. Kept, empty, so that the migration history of existing databases still holds."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("staff", "0001_staff_roles"),
        ("approvals", "0001_initial"),
        ("auditlog", "0017_add_actor_email"),
    ]

    # Roles are synced from staff/roles.py after every migrate (staff.services.roles_sync).
    operations = []
