from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _

from core.pagecache import public_content_changed


class ContactConfig(AppConfig):
    name = "contact"
    verbose_name = _("Inquiry windows")

    def ready(self):
        # Not at the top: auditlog's registry loads its models, which needs the app registry ready.
        from auditlog.registry import auditlog

        sender = self.get_model("ContactWindow")
        post_save.connect(public_content_changed, sender=sender, dispatch_uid="public-pages-contact-window-save")
        post_delete.connect(public_content_changed, sender=sender, dispatch_uid="public-pages-contact-window-delete")
        auditlog.register(sender, exclude_fields=["updated_at"])
