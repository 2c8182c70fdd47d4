from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisclosureConfig(AppConfig):
    name = "disclosure"
    verbose_name = _("Disclosure of personal data")

    def ready(self):
        from consents.models import OutgoingEmail
        from consents.outbox import register_message

        from .contents import BUILT_IN
        from .emails import ready_email
        from .sections import register_section

        register_message(OutgoingEmail.Kind.DISCLOSURE_READY, ready_email)
        for section in BUILT_IN:
            register_section(section)
