"""Policyholders, policies and login links move here from `consents`: only Django's idea of which app holds
them changes (the tables stay; 0002 renames them)."""


import customers.models
import django.core.validators
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('consents', '0015_receipt_email'),
        ('notices', '0006_normalize_draft_texts'),
    ]

    state_operations = [
        migrations.CreateModel(
            name='Policyholder',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('customer_number', models.CharField(max_length=20, unique=True, validators=[django.core.validators.RegexValidator('^[A-Z0-9]{6,20}\\Z', 'A customer number is 6 to 20 half-width capital letters and digits.', code='customer_number')], verbose_name='customer number')),
                ('name', models.CharField(max_length=100, verbose_name='full name')),
                ('kana', models.CharField(blank=True, max_length=100, verbose_name='name in kana')),
                ('email', models.EmailField(blank=True, max_length=254, verbose_name='email address')),
                ('email_key', models.GeneratedField(db_persist=True, expression=customers.models.AsciiLower('email'), output_field=models.CharField(max_length=254))),
                ('birth_date', models.DateField(blank=True, null=True, verbose_name='date of birth')),
                ('postal_code', models.CharField(blank=True, db_default='', default='', max_length=8, validators=[django.core.validators.RegexValidator('^\\d{3}-\\d{4}\\Z', 'Write the postal code as 123-4567.', code='postal_code')], verbose_name='postal code')),
                ('address1', models.CharField(blank=True, db_default='', default='', max_length=200, verbose_name='address (prefecture, city, street)')),
                ('address2', models.CharField(blank=True, db_default='', default='', max_length=200, verbose_name='address (building, room)')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
            ],
            options={
                'db_table': 'consents_policyholder',
                'verbose_name': 'policyholder',
                'verbose_name_plural': 'policyholders',
                'ordering': ['customer_number'],
                'indexes': [models.Index(fields=['kana'], name='policyholder_kana_idx')],
                'constraints': [models.UniqueConstraint(condition=models.Q(('email_key', ''), _negated=True), fields=('email_key',), name='policyholder_email_key_unique')],
            },
        ),
        migrations.CreateModel(
            name='Policy',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('policy_number', models.CharField(max_length=40, verbose_name='policy number')),
                ('product', models.CharField(max_length=200, verbose_name='product')),
                ('company', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='notices.company', verbose_name='company')),
                ('policyholder', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='policies', to='customers.policyholder')),
            ],
            options={
                'db_table': 'consents_policy',
                'verbose_name': 'policy',
                'verbose_name_plural': 'policies',
                'ordering': ['company__display_order', 'policy_number'],
                'constraints': [models.UniqueConstraint(fields=('company', 'policy_number'), name='policy_number_unique_per_company')],
            },
        ),
        migrations.CreateModel(
            name='LoginToken',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('token_hash', models.CharField(max_length=64, unique=True, verbose_name='token hash')),
                ('created_at', models.DateTimeField(verbose_name='created at')),
                ('expires_at', models.DateTimeField(verbose_name='expires at')),
                ('used_at', models.DateTimeField(blank=True, null=True, verbose_name='used at')),
                ('policyholder', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='login_tokens', to='customers.policyholder', verbose_name='policyholder')),
            ],
            options={
                'db_table': 'consents_logintoken',
                'verbose_name': 'login link',
                'verbose_name_plural': 'login links',
                'ordering': ['-created_at'],
                'indexes': [models.Index(fields=['expires_at'], name='logintoken_expires_idx')],
            },
        ),
    ]

    operations = [migrations.SeparateDatabaseAndState(state_operations=state_operations)]
