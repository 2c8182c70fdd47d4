from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutboxConfig(AppConfig):
    name = "outbox"
    verbose_name = _("Customer emails")

    def ready(self):
        # Registers the outgoing emails as rows the workers send (core.jobs).
        from . import sending  # noqa: F401
