"""A model field's value as staff read it: a related object by its name, a choice by its label, yes or no.
Shared by the review page of proposed changes and the audit trail."""

from django.db import models
from django.utils.translation import gettext as _


def field_label(model: type[models.Model], name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)
    except Exception:  # a field that no longer exists keeps its stored name
        return name


def display_value(model: type[models.Model], name: str, value) -> str:
    """`value` is what the database (or a JSON copy of it) holds; None and "" show as empty."""
    if value is None or value == "" or value == "None":
        return ""
    try:
        field = model._meta.get_field(name)
    except Exception:
        return str(value)
    if isinstance(field, models.BooleanField):
        truthy = value in (True, "True", "true", 1, "1")
        return _("on (a yes-or-no value)") if truthy else _("off (a yes-or-no value)")
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field.is_relation and field.related_model is not None:
        related = field.related_model._default_manager.filter(pk=value).first()
        return str(related) if related is not None else _("(deleted: %(id)s)") % {"id": value}
    return str(value)
