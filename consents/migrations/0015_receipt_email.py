"""The receipt points to the email that tells of it, as a request's reply and a disclosure package do, and the
outgoing email loses the columns that pointed back at one app's rows (its receipt, the notice version and
campaign of a notice of change: the campaign's recipient points to its email already)."""

import django.db.models.deletion
from django.db import migrations, models


def receipts_point_to_their_email(apps, schema_editor):
    OutgoingEmail = apps.get_model("consents", "OutgoingEmail")
    Receipt = apps.get_model("consents", "Receipt")
    emails = OutgoingEmail.objects.filter(receipt__isnull=False).values_list("pk", "receipt_id")
    for email_id, receipt_id in emails.iterator(chunk_size=2000):
        Receipt.objects.filter(pk=receipt_id).update(email_id=email_id)


def emails_point_to_their_receipt(apps, schema_editor):
    OutgoingEmail = apps.get_model("consents", "OutgoingEmail")
    Receipt = apps.get_model("consents", "Receipt")
    for receipt_id, email_id in Receipt.objects.filter(email__isnull=False).values_list("pk", "email_id").iterator():
        OutgoingEmail.objects.filter(pk=email_id).update(receipt_id=receipt_id)


class Migration(migrations.Migration):

    dependencies = [
        ('consents', '0014_indexes_a_save_writes'),
    ]

    operations = [
        migrations.AddField(
            model_name='receipt',
            name='email',
            field=models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='consents.outgoingemail', verbose_name='email'),
        ),
        migrations.RunPython(receipts_point_to_their_email, emails_point_to_their_receipt),
        migrations.RemoveConstraint(model_name='outgoingemail', name='outgoingemail_receipt_iff_kind_receipt'),
        migrations.RemoveConstraint(model_name='outgoingemail', name='outgoingemail_policyholder_kinds'),
        migrations.RemoveConstraint(model_name='outgoingemail', name='outgoingemail_notice_version_iff_kind_notice_change'),
        migrations.RemoveField(model_name='outgoingemail', name='receipt'),
        migrations.RemoveField(model_name='outgoingemail', name='notice_version'),
        migrations.RemoveField(model_name='outgoingemail', name='campaign_id'),
        migrations.AlterField(
            model_name='outgoingemail',
            name='kind',
            field=models.CharField(max_length=20, verbose_name='kind'),
        ),
        migrations.AlterModelOptions(
            name='preference',
            options={'ordering': ['policyholder', 'company__display_order', 'channel__display_order'], 'permissions': [('record_preference_change', "Can record a preference change on the customer's behalf")], 'verbose_name': 'preference', 'verbose_name_plural': 'preferences'},
        ),
    ]
