"""An audit entry as staff and a regulator read it: one row per field, Japanese field names, old and new."""

import dataclasses
import json

from auditlog.models import LogEntry
from django.utils.translation import gettext as _

from core.fieldvalues import display_value, field_label


@dataclasses.dataclass(frozen=True)
class FieldChange:
    label: str
    old: str
    new: str


def _value(model, name: str, value) -> str:
    if value is None or value == "None":
        return ""
    if model is None:
        return str(value)
    field = next((f for f in model._meta.get_fields() if f.name == name), None)
    if field is not None and field.get_internal_type() == "JSONField" and isinstance(value, str):
        try:  # stored as JSON with \u escapes: shown with the Japanese as written
            return json.dumps(json.loads(value), ensure_ascii=False)
        except ValueError:
            return value
    if field is not None and field.is_relation:
        # Stored as the related object's name when the change was made (AUDITLOG_USE_FK_STRING_REPRESENTATION).
        return str(value)
    return display_value(model, name, value)


def field_changes(entry: LogEntry) -> list[FieldChange]:
    model = entry.content_type.model_class()
    rows = []
    for name, change in sorted((entry.changes_dict or {}).items()):
        label = field_label(model, name) if model is not None else name
        if isinstance(change, dict) and change.get("type") == "m2m":
            objects = "、".join(str(item) for item in change.get("objects", []))
            if change.get("operation") == "add":
                rows.append(FieldChange(_("%(field)s (added)") % {"field": label}, "", objects))
            else:
                rows.append(FieldChange(_("%(field)s (removed)") % {"field": label}, objects, ""))
            continue
        old, new = (list(change) + [None, None])[:2]
        rows.append(FieldChange(label, _value(model, name, old), _value(model, name, new)))
    return rows


def kind_of(entry: LogEntry) -> str:
    model = entry.content_type.model_class()
    return str(model._meta.verbose_name) if model is not None else entry.content_type.model
