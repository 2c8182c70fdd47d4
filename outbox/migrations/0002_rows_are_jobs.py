"""The table takes this app's name and its content type follows the model (so the permission to retry stays
granted); an email is the workers' job itself (core.jobs), picked by priority and due time: `priority` from its
kind, and no due time once it is sent or given up."""

from django.db import migrations, models

# As the kinds register them today (the login link first, campaigns' notices of a change last).
PRIORITIES = {"login_link": 10, "notice_change": -5}


def content_type_follows(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="consents", model="outgoingemail").update(app_label="outbox")


def content_type_returns(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="outbox", model="outgoingemail").update(app_label="consents")


def priorities(apps, schema_editor):
    OutgoingEmail = apps.get_model("outbox", "OutgoingEmail")
    for kind, priority in PRIORITIES.items():
        OutgoingEmail.objects.filter(kind=kind, status="queued").update(priority=priority)
    OutgoingEmail.objects.exclude(status="queued").update(next_attempt_at=None)


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('outbox', '0001_initial'),
        ('consents', '0016_models_to_customers_and_outbox'),
    ]

    operations = [
        migrations.AlterModelTable(name='outgoingemail', table=None),
        migrations.RunPython(content_type_follows, content_type_returns),
        migrations.RemoveIndex(model_name='outgoingemail', name='outgoingemail_status_idx'),
        migrations.AddField(
            model_name='outgoingemail',
            name='priority',
            field=models.SmallIntegerField(default=0, verbose_name='priority'),
        ),
        migrations.AlterField(
            model_name='outgoingemail',
            name='next_attempt_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='next attempt at'),
        ),
        migrations.RunPython(priorities, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name='outgoingemail',
            index=models.Index(fields=['status', '-priority', 'next_attempt_at'], name='outgoingemail_due_idx'),
        ),
    ]
