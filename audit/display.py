"""An audit entry as staff and a regulator read it: one row per field, Japanese field names, old and new."""

import dataclasses
import json
import re

from auditlog.models import LogEntry
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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
    field = _field(model, name)
    if field is not None and field.get_internal_type() == "JSONField" and isinstance(value, str):
        try:  # stored as JSON with \u escapes: shown with the Japanese as written
            return json.dumps(json.loads(value), ensure_ascii=False)
        except ValueError:
            return value
    if field is not None and field.is_relation:
        # Stored as the related object's name when the change was made (AUDITLOG_USE_FK_STRING_REPRESENTATION).
        return str(value)
    return display_value(model, name, value)


# Django's own permissions are stored with English names (「Can view change request」), and a group's or user's
# permissions are recorded by those names when the roles are synced outside a request.
PERMISSION_NAME = re.compile(r"^Can (add|change|delete|view) (.+)$")
PERMISSION_ACTIONS = {
    "add": gettext_lazy("add (a permission)"),
    "change": gettext_lazy("change (a permission)"),
    "delete": gettext_lazy("delete (a permission)"),
    "view": gettext_lazy("view (a permission)"),
}


def _m2m_object(text: str) -> str:
    """A related object as recorded (a permission is 「app | model | name」), each part in Japanese where the site
    has a translation for it, as is otherwise."""
    parts = []
    for part in text.split(" | "):
        match = PERMISSION_NAME.match(part)
        if match:
            parts.append(_("%(model)s: %(action)s") % {
                "model": _(match[2]), "action": PERMISSION_ACTIONS[match[1]],
            })
        else:
            parts.append(_(part) if part else part)
    return " | ".join(parts)


def _field(model, name: str):
    return next((f for f in model._meta.get_fields() if f.name == name), None) if model is not None else None


def _is_reverse_relation(field) -> bool:
    """The other side of a foreign key (a version's data items): auditlog writes it on create and delete as the
    manager's name (「notices.DataItem.None」), which says nothing; the rows themselves have entries of their own."""
    return field is not None and field.is_relation and field.auto_created and not field.concrete


def _label(model, name: str) -> str:
    if model is None:
        return name
    field = _field(model, name)
    label = field_label(model, name)
    # A foreign key without a name of its own is called by its model's name, which is translated.
    if field is not None and field.is_relation and field.related_model is not None and label == name.replace("_", " "):
        return str(field.related_model._meta.verbose_name)
    return label


def field_changes(entry: LogEntry) -> list[FieldChange]:
    model = entry.content_type.model_class()
    rows = []
    for name, change in sorted((entry.changes_dict or {}).items()):
        if _is_reverse_relation(_field(model, name)):
            continue
        label = _label(model, name)
        if isinstance(change, dict) and change.get("type") == "m2m":
            objects = "、".join(_m2m_object(str(item)) for item in change.get("objects", []))
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
