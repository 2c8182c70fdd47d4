from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "customers"
    verbose_name = _("Customers")

    def ready(self):
        from outbox.kinds import email_kind_register

        from .emails import EMAIL_KIND

        email_kind_register(**EMAIL_KIND)
