from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisclosureConfig(AppConfig):
    name = "disclosure"
    verbose_name = _("Disclosure of personal data")

    def ready(self):
        from outbox.kinds import email_kind_register

        from . import packages  # noqa: F401 - registers queued packages as jobs of the workers
        from .contents import BUILT_IN
        from .coverage import SECTIONS as COVERAGE
        from .emails import EMAIL_KIND
        from .sections import register_section

        email_kind_register(**EMAIL_KIND)
        for section in BUILT_IN + COVERAGE:
            register_section(section)
