"""Triggers that make published notice versions and their rows immutable below the ORM (see
notices/immutability.py). Published → withdrawn is the one change allowed, and only of the status and the
withdrawal's who, when and why."""

from django.db import migrations

ROW_TABLES = ("notices_dataitem", "notices_jointuser", "notices_purpose", "notices_section")

POSTGRESQL = [
    """
    CREATE OR REPLACE FUNCTION notices_version_immutable() RETURNS trigger AS $$
    DECLARE
        allowed_change text[] := ARRAY['status', 'withdrawn_at', 'withdrawn_by_id', 'withdrawal_reason', 'updated_at'];
    BEGIN
        IF OLD.status = 'draft' THEN
            RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
        END IF;
        IF TG_OP = 'UPDATE' AND OLD.status = 'published' AND NEW.status = 'withdrawn'
           AND (to_jsonb(NEW) - allowed_change) = (to_jsonb(OLD) - allowed_change) THEN
            RETURN NEW;
        END IF;
        RAISE EXCEPTION 'notice version % is published: it cannot be changed or deleted', OLD.id
            USING ERRCODE = 'integrity_constraint_violation';
    END
    $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER notices_version_immutable BEFORE UPDATE OR DELETE ON notices_noticeversion
    FOR EACH ROW EXECUTE FUNCTION notices_version_immutable();
    """,
    """
    CREATE OR REPLACE FUNCTION notices_version_row_immutable() RETURNS trigger AS $$
    BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') AND EXISTS (
            SELECT 1 FROM notices_noticeversion WHERE id = OLD.version_id AND status <> 'draft'
        ) THEN
            RAISE EXCEPTION 'a row of published notice version % cannot be changed', OLD.version_id
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') AND EXISTS (
            SELECT 1 FROM notices_noticeversion WHERE id = NEW.version_id AND status <> 'draft'
        ) THEN
            RAISE EXCEPTION 'a row cannot be added to published notice version %', NEW.version_id
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    END
    $$ LANGUAGE plpgsql;
    """,
    *(
        f"""
        CREATE TRIGGER {table}_immutable BEFORE INSERT OR UPDATE OR DELETE ON {table}
        FOR EACH ROW EXECUTE FUNCTION notices_version_row_immutable();
        """
        for table in ROW_TABLES
    ),
]

POSTGRESQL_REVERSE = [
    *(f"DROP TRIGGER IF EXISTS {table}_immutable ON {table};" for table in ROW_TABLES),
    "DROP TRIGGER IF EXISTS notices_version_immutable ON notices_noticeversion;",
    "DROP FUNCTION IF EXISTS notices_version_row_immutable();",
    "DROP FUNCTION IF EXISTS notices_version_immutable();",
]

# Every column but the status, the withdrawal's and updated_at: none of them may change once published.
FROZEN_COLUMNS = (
    "id", "notice_id", "effective_date", "change_summary", "introduction", "joint_users_scope", "joint_users_note",
    "responsible_party_name", "responsible_party_address", "responsible_party_representative", "notes",
    "publication_ground", "publication_ground_note", "legal_signoff_note", "consent_method", "consent_count",
    "predecessor_company_id", "successor_company_id", "snapshot", "published_at", "published_by_id",
    "last_edited_by_id", "created_at",
)
UNCHANGED = " AND ".join(f"NEW.{column} IS OLD.{column}" for column in FROZEN_COLUMNS)
REFUSE = "SELECT RAISE(ABORT, 'published notice versions cannot be changed or deleted');"

SQLITE = [
    f"""
    CREATE TRIGGER notices_version_immutable_update BEFORE UPDATE ON notices_noticeversion
    WHEN OLD.status <> 'draft' AND published_content_locked()
         AND NOT (OLD.status = 'published' AND NEW.status = 'withdrawn' AND {UNCHANGED})
    BEGIN {REFUSE} END;
    """,
    f"""
    CREATE TRIGGER notices_version_immutable_delete BEFORE DELETE ON notices_noticeversion
    WHEN OLD.status <> 'draft' AND published_content_locked()
    BEGIN {REFUSE} END;
    """,
    *(
        statement
        for table in ROW_TABLES
        for statement in (
            f"""
            CREATE TRIGGER {table}_immutable_insert BEFORE INSERT ON {table}
            WHEN published_content_locked() AND EXISTS (
                SELECT 1 FROM notices_noticeversion WHERE id = NEW.version_id AND status <> 'draft')
            BEGIN {REFUSE} END;
            """,
            f"""
            CREATE TRIGGER {table}_immutable_update BEFORE UPDATE ON {table}
            WHEN published_content_locked() AND EXISTS (
                SELECT 1 FROM notices_noticeversion WHERE id IN (OLD.version_id, NEW.version_id) AND status <> 'draft')
            BEGIN {REFUSE} END;
            """,
            f"""
            CREATE TRIGGER {table}_immutable_delete BEFORE DELETE ON {table}
            WHEN published_content_locked() AND EXISTS (
                SELECT 1 FROM notices_noticeversion WHERE id = OLD.version_id AND status <> 'draft')
            BEGIN {REFUSE} END;
            """,
        )
    ),
]

SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS notices_version_immutable_update;",
    "DROP TRIGGER IF EXISTS notices_version_immutable_delete;",
    *(f"DROP TRIGGER IF EXISTS {table}_immutable_{op};" for table in ROW_TABLES for op in ("insert", "update", "delete")),
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("notices", "0004_withdrawal_grounds_refusals"),
    ]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRESQL, "sqlite": SQLITE}),
            _run({"postgresql": POSTGRESQL_REVERSE, "sqlite": SQLITE_REVERSE}),
        ),
    ]
