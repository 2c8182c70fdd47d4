from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeskConfig(AppConfig):
    name = "desk"
    verbose_name = _("Requests and inquiries")

    def ready(self):
        # Not at the top: auditlog's registry loads its models, which needs the app registry ready.
        from auditlog.registry import auditlog

        from consents.history import history_section_register
        from disclosure.sections import register_section
        from outbox.kinds import email_kind_register

        from . import emails, package, selectors

        for kind in emails.EMAIL_KINDS:
            email_kind_register(**kind)
        history_section_register(selectors.history_section)
        for section in package.SECTIONS:
            register_section(section)
        # Who changed a fee customers are shown, when, from what to what.
        auditlog.register(self.get_model("RequestFee"), exclude_fields=["updated_at"])
