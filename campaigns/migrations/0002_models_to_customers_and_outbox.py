"""The foreign keys to policyholders and outgoing emails point to their new apps (customers, outbox), and a
sending campaign is the workers' job itself (core.jobs): its next batch is due at `next_attempt_at` (the
former `next_batch_at`), failures are counted as every job's are, and the task id that told a waiting batch
from a lost one is gone."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('campaigns', '0001_initial'),
        ('customers', '0001_initial'),
        ('outbox', '0001_initial'),
    ]

    state_operations = [
        migrations.AlterField(
            model_name='recipient',
            name='email',
            field=models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='campaign_recipient', to='outbox.outgoingemail', verbose_name='outgoing email'),
        ),
        migrations.AlterField(
            model_name='recipient',
            name='policyholder',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='customers.policyholder', verbose_name='policyholder'),
        ),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=state_operations),
        migrations.RemoveField(model_name='campaign', name='batch_task_id'),
        migrations.RenameField(model_name='campaign', old_name='next_batch_at', new_name='next_attempt_at'),
        migrations.AlterField(
            model_name='campaign',
            name='next_attempt_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='next attempt at'),
        ),
        migrations.AddField(
            model_name='campaign',
            name='attempts',
            field=models.PositiveIntegerField(default=0, verbose_name='attempts'),
        ),
        migrations.AddField(
            model_name='campaign',
            name='last_error',
            field=models.CharField(blank=True, max_length=200, verbose_name='last error'),
        ),
        migrations.AlterField(
            model_name='campaign',
            name='status',
            field=models.CharField(choices=[('prepared', 'Prepared, not started'), ('sending', 'Sending'), ('stopped', 'Stopped'), ('finished', 'Every email handed to the outbox'), ('failed', 'Stopped after repeated errors')], default='prepared', max_length=20, verbose_name='status'),
        ),
        migrations.AlterModelOptions(
            name='campaign',
            options={'ordering': ['-prepared_at', '-id'], 'permissions': [('start_campaign', 'Can start, stop and resume a notice campaign'), ('download_postal_list', "Can download a campaign's postal list"), ('retry_campaign', 'Can resume a campaign stopped after repeated errors')], 'verbose_name': 'notice campaign', 'verbose_name_plural': 'notice campaigns'},
        ),
    ]
