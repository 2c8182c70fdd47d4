"""Draft texts stored before normalisation (the admin's `\r\n`, trailing spaces, decomposed kana) in the form
every save now gives them (core/text.py). Published and withdrawn versions are never touched: their content is
what customers were shown, and database triggers refuse any write to them.

Reversing leaves the texts as they are: the normalised text shows customers exactly what the old one showed,
so there is nothing to restore, and the schema is unchanged.
"""

from django.db import migrations

from core.text import normalize_text

VERSION_FIELDS = (
    "change_summary", "introduction", "joint_users_scope", "joint_users_note", "responsible_party_name",
    "responsible_party_address", "responsible_party_representative", "notes", "publication_ground_note",
    "consent_method", "legal_signoff_note",
)
ROW_FIELDS = {"DataItem": ("text",), "Purpose": ("text",), "Section": ("heading", "body")}


def _normalize(queryset, fields) -> None:
    for row in queryset.only("pk", *fields).iterator():
        changed = {name: normalize_text(getattr(row, name)) for name in fields}
        changed = {name: value for name, value in changed.items() if value != getattr(row, name)}
        if changed:
            queryset.model.objects.filter(pk=row.pk).update(**changed)


def normalize_drafts(apps, schema_editor):
    NoticeVersion = apps.get_model("notices", "NoticeVersion")
    _normalize(NoticeVersion.objects.filter(status="draft"), VERSION_FIELDS)
    for model_name, fields in ROW_FIELDS.items():
        model = apps.get_model("notices", model_name)
        _normalize(model.objects.filter(version__status="draft"), fields)


class Migration(migrations.Migration):
    dependencies = [("notices", "0005_published_content_immutable")]

    operations = [migrations.RunPython(normalize_drafts, migrations.RunPython.noop)]
