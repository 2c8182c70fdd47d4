from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeskConfig(AppConfig):
    name = "desk"
    verbose_name = _("Requests and inquiries")

    def ready(self):
        from consents.history import history_section_register
        from consents.models import OutgoingEmail
        from consents.outbox import register_message
        from disclosure.sections import register_section

        from . import emails, package, selectors

        register_message(OutgoingEmail.Kind.REQUEST_RECEIVED, emails.acknowledgment_email)
        register_message(OutgoingEmail.Kind.REQUEST_ANSWER, emails.answer_email)
        history_section_register(selectors.history_section)
        for section in package.SECTIONS:
            register_section(section)
