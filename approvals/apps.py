from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApprovalsConfig(AppConfig):
    name = "approvals"
    verbose_name = _("Approvals")

    def ready(self):
        from auditlog.registry import auditlog

        auditlog.register(self.get_model("ChangeRequest"))
