from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _

from core.memo import memoized_data_changed


class ConsentsConfig(AppConfig):
    name = "consents"
    verbose_name = _("Marketing preferences")

    def ready(self):
        from outbox.kinds import email_kind_register

        from .emails import EMAIL_KINDS
        from .history import consent_answers_section, history_section_register

        for kind in EMAIL_KINDS:
            email_kind_register(**kind)
        history_section_register(consent_answers_section)
        # Channel names are memoized per process with the matrix axes (consents.selectors.matrix_axes).
        post_save.connect(memoized_data_changed, sender=self.get_model("Channel"), dispatch_uid="memos-channel-save")
