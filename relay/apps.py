from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RelayConfig(AppConfig):
    name = "relay"
    verbose_name = _("Group systems (changes in, webhooks out)")

    def ready(self):
        from consents.changes import change_listener_register
        from disclosure.sections import register_section
        from outbox.kinds import email_kind_register

        from . import delivery
        from .disclosure import SECTIONS

        change_listener_register(delivery.deliveries_queue)
        email_kind_register(**delivery.EMAIL_KIND)
        for section in SECTIONS:
            register_section(section)
