"""What every app's admin shares."""

from django.db import models


class BadInputIs400Mixin:
    """Bad input in the admin answers with a 4xx, as everywhere else: a change form sent back with errors
    is a 400, and a delete refused because other objects protect the object is a 409."""

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        response = super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)
        if request.method == "POST" and context.get("errors"):
            response.status_code = 400
        return response

    def delete_view(self, request, object_id, extra_context=None):
        response = super().delete_view(request, object_id, extra_context)
        if request.method == "POST" and (getattr(response, "context_data", None) or {}).get("protected"):
            response.status_code = 409
        return response

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.URLField):
            kwargs.setdefault("assume_scheme", "https")  # Django 6's default; silences its warning
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class ReadOnlyAdminMixin:
    """Evidence (consent events, the audit trail, refused publications, outgoing emails, change requests): shown,
    never added, changed or deleted from the admin, by anyone, superusers included."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
