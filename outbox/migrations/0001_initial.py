"""Outgoing emails move here from `consents`: only Django's idea of which app holds them changes (the table
stays; 0002 renames it and makes the row the job)."""


import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('consents', '0015_receipt_email'),
        ('customers', '0001_initial'),
    ]

    state_operations = [
        migrations.CreateModel(
            name='OutgoingEmail',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('attempts', models.PositiveIntegerField(default=0, verbose_name='attempts')),
                ('next_attempt_at', models.DateTimeField(verbose_name='next attempt at')),
                ('last_error', models.CharField(blank=True, max_length=200, verbose_name='last error')),
                ('kind', models.CharField(max_length=20, verbose_name='kind')),
                ('status', models.CharField(choices=[('queued', 'Waiting to be sent'), ('sent', 'Sent'), ('failed', 'Not sent (gave up)')], default='queued', max_length=20, verbose_name='status')),
                ('queued_at', models.DateTimeField(verbose_name='queued at')),
                ('sent_at', models.DateTimeField(blank=True, null=True, verbose_name='sent at')),
                ('policyholder', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='outgoing_emails', to='customers.policyholder', verbose_name='policyholder')),
            ],
            options={
                'verbose_name': 'outgoing email',
                'verbose_name_plural': 'outgoing emails',
                'ordering': ['-queued_at', '-id'],
                'permissions': [('retry_outgoingemail', 'Can send a failed email again')],
                'indexes': [models.Index(fields=['status', 'next_attempt_at'], name='outgoingemail_status_idx')],
                'db_table': 'consents_outgoingemail',
                'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('status', 'sent'), _negated=True), ('sent_at__isnull', False), _connector='OR'), name='outgoingemail_sent_has_sent_at')],
            },
        ),
    ]

    operations = [migrations.SeparateDatabaseAndState(state_operations=state_operations)]
