from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core.pagecache import shown_on_public_pages


class ContactConfig(AppConfig):
    name = "contact"
    verbose_name = _("Inquiry windows")

    def ready(self):
        # Not at the top: auditlog's registry loads its models, which needs the app registry ready.
        from auditlog.registry import auditlog

        sender = self.get_model("ContactWindow")
        shown_on_public_pages(sender)
        auditlog.register(sender, exclude_fields=["updated_at"])
