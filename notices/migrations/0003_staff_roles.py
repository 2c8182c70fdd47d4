"""Once created the staff roles; they are created by staff/migrations/0001_staff_roles now, which
every app's permissions reach. Kept so that the migration history of existing databases still holds."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("notices", "0002_publication_grounds"),
    ]

    operations = []
