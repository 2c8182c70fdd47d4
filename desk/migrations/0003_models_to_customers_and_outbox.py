"""The foreign keys to policyholders and outgoing emails point to their new apps (customers, outbox).
Nothing changes in the database: the tables are the same ones."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('customers', '0001_initial'),
        ('desk', '0002_support_role'),
        ('outbox', '0001_initial'),
    ]

    state_operations = [
        migrations.AlterField(
            model_name='customerrequest',
            name='acknowledgment',
            field=models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='desk_request', to='outbox.outgoingemail', verbose_name='acknowledgment email'),
        ),
        migrations.AlterField(
            model_name='customerrequest',
            name='policyholder',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='desk_requests', to='customers.policyholder', verbose_name='policyholder'),
        ),
        migrations.AlterField(
            model_name='reply',
            name='email',
            field=models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='desk_reply', to='outbox.outgoingemail', verbose_name='email'),
        ),
    ]

    operations = [migrations.SeparateDatabaseAndState(state_operations=state_operations)]
