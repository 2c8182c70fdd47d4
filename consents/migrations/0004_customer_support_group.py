"""Once granted the 顧客対応 group its permissions; staff/migrations/0001_staff_roles does now. Kept so
that the migration history of existing databases still holds."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("consents", "0003_login_tokens"),
    ]

    operations = []
