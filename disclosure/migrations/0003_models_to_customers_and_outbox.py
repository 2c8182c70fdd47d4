"""The foreign keys to policyholders and outgoing emails point to their new apps (customers, outbox), and a
queued package is the workers' job itself (core.jobs): it is due at `next_attempt_at`, and the task id that
told a waiting build from a lost one is gone."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import F


def queued_packages_due(apps, schema_editor):
    DisclosurePackage = apps.get_model("disclosure", "DisclosurePackage")
    DisclosurePackage.objects.filter(status="queued").update(next_attempt_at=F("requested_at"))


class Migration(migrations.Migration):

    dependencies = [
        ('customers', '0001_initial'),
        ('disclosure', '0002_support_role'),
        ('outbox', '0001_initial'),
    ]

    state_operations = [
        migrations.AlterField(
            model_name='disclosuredownload',
            name='policyholder',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='customers.policyholder', verbose_name='downloaded by'),
        ),
        migrations.AlterField(
            model_name='disclosurepackage',
            name='email',
            field=models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='disclosure_package', to='outbox.outgoingemail', verbose_name='email saying it is ready'),
        ),
        migrations.AlterField(
            model_name='disclosurepackage',
            name='policyholder',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='disclosure_packages', to='customers.policyholder', verbose_name='policyholder'),
        ),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=state_operations),
        migrations.RemoveField(model_name='disclosurepackage', name='task_id'),
        migrations.AddField(
            model_name='disclosurepackage',
            name='next_attempt_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='next attempt at'),
        ),
        migrations.RunPython(queued_packages_due, migrations.RunPython.noop),
    ]
