from django.db import migrations

CHANNELS = [
    # (code, name, default_allowed): email needs prior opt-in (特定電子メール法); the others are
    # announced joint use, on until the customer stops them.
    ("web_ads", "ウェブ広告", True),
    ("direct_mail", "DM（ダイレクトメール）", True),
    ("email", "メールマガジン", False),
    ("phone", "電話", True),
]


def create_channels(apps, schema_editor):
    Channel = apps.get_model("consents", "Channel")
    for order, (code, name, default_allowed) in enumerate(CHANNELS, start=1):
        Channel.objects.get_or_create(
            code=code, defaults={"name": name, "default_allowed": default_allowed, "display_order": order}
        )


def remove_channels(apps, schema_editor):
    apps.get_model("consents", "Channel").objects.filter(code__in=[c[0] for c in CHANNELS]).delete()


class Migration(migrations.Migration):
    dependencies = [("consents", "0001_initial")]

    operations = [migrations.RunPython(create_channels, remove_channels)]
