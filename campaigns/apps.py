from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "campaigns"
    verbose_name = _("Notice campaigns")

    def ready(self):
        from outbox.kinds import email_kind_register

        from . import sending  # noqa: F401 - registers sending campaigns as jobs of the workers
        from .emails import EMAIL_KIND

        email_kind_register(**EMAIL_KIND)
