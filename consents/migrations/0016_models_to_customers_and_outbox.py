"""Policyholders, policies, login links and outgoing emails now belong to `customers` and `outbox`
(customers/0001, outbox/0001): this app's own foreign keys point there, and it forgets the models. Nothing
changes in the database: the tables are the same ones."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('consents', '0015_receipt_email'),
        ('customers', '0001_initial'),
        ('outbox', '0001_initial'),
        # Every other app's foreign keys to the models point to their new apps first.
        ('campaigns', '0002_models_to_customers_and_outbox'),
        ('desk', '0003_models_to_customers_and_outbox'),
        ('disclosure', '0003_models_to_customers_and_outbox'),
    ]

    state_operations = [
        migrations.AlterField(
            model_name='consentevent',
            name='policyholder',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='events', to='customers.policyholder'),
        ),
        migrations.AlterField(
            model_name='receipt',
            name='policyholder',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='receipts', to='customers.policyholder'),
        ),
        migrations.AlterField(
            model_name='noticerecord',
            name='policyholder',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='notice_records', to='customers.policyholder', verbose_name='policyholder'),
        ),
        migrations.AlterField(
            model_name='preference',
            name='policyholder',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='preferences', to='customers.policyholder'),
        ),
        migrations.AlterField(
            model_name='receipt',
            name='email',
            field=models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='receipt', to='outbox.outgoingemail', verbose_name='email'),
        ),
        migrations.DeleteModel(name='LoginToken'),
        migrations.DeleteModel(name='Policy'),
        migrations.DeleteModel(name='OutgoingEmail'),
        migrations.DeleteModel(name='Policyholder'),
    ]

    operations = [migrations.SeparateDatabaseAndState(state_operations=state_operations)]
