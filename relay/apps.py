from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_save
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
        subscriber = self.get_model("WebhookSubscriber")
        post_save.connect(delivery.subscribers_changed, sender=subscriber, dispatch_uid="relay-subscribers-save")
        for through in (subscriber.companies.through, subscriber.channels.through):
            m2m_changed.connect(delivery.subscribers_changed, sender=through, dispatch_uid=f"relay-{through.__name__}")
        email_kind_register(**delivery.EMAIL_KIND)
        for section in SECTIONS:
            register_section(section)
