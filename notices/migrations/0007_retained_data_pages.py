"""Pages of the items on retained personal data (APPI Art. 32(1)) as a kind of notice, and the statutory item
each of their sections gives.

On SQLite, adding a NOT NULL column rebuilds notices_section, which drops the triggers that keep the rows of a
published version immutable (migration 0005): they are created again here, as 0005 made them."""

from django.db import migrations, models

REFUSE = "SELECT RAISE(ABORT, 'published notice versions cannot be changed or deleted');"
TABLE = "notices_section"
SQLITE_SECTION_TRIGGERS = [
    f"""
    CREATE TRIGGER IF NOT EXISTS {TABLE}_immutable_insert BEFORE INSERT ON {TABLE}
    WHEN published_content_locked() AND EXISTS (
        SELECT 1 FROM notices_noticeversion WHERE id = NEW.version_id AND status <> 'draft')
    BEGIN {REFUSE} END;
    """,
    f"""
    CREATE TRIGGER IF NOT EXISTS {TABLE}_immutable_update BEFORE UPDATE ON {TABLE}
    WHEN published_content_locked() AND EXISTS (
        SELECT 1 FROM notices_noticeversion WHERE id IN (OLD.version_id, NEW.version_id) AND status <> 'draft')
    BEGIN {REFUSE} END;
    """,
    f"""
    CREATE TRIGGER IF NOT EXISTS {TABLE}_immutable_delete BEFORE DELETE ON {TABLE}
    WHEN published_content_locked() AND EXISTS (
        SELECT 1 FROM notices_noticeversion WHERE id = OLD.version_id AND status <> 'draft')
    BEGIN {REFUSE} END;
    """,
]


def recreate_sqlite_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_SECTION_TRIGGERS:
            schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):

    dependencies = [
        ('notices', '0006_normalize_draft_texts'),
    ]

    operations = [
        migrations.AddField(
            model_name='section',
            name='topic',
            field=models.CharField(blank=True, choices=[('procedure', 'procedure for requests (disclosure and others)'), ('security', 'security control measures'), ('complaints', 'where to make a complaint'), ('accredited_body', 'accredited personal information protection organization')], help_text='On a page of items on retained personal data: which statutory item this section gives.', max_length=20, verbose_name='statutory item'),
        ),
        migrations.AlterField(
            model_name='notice',
            name='kind',
            field=models.CharField(choices=[('joint_use', 'joint-use notice (statutory items)'), ('explanation', 'explanatory page'), ('retained_data', 'items on retained personal data (statutory items)')], default='joint_use', max_length=20, verbose_name='kind'),
        ),
        # On SQLite, reversing drops the column by rebuilding the table once more, without these triggers;
        # migrating forward again makes them again.
        migrations.RunPython(recreate_sqlite_triggers, migrations.RunPython.noop),
    ]
