from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _

from core.memo import memoized_data_changed
from core.pagecache import shown_on_public_pages

# Registers the SQLite function that the immutability triggers call, on every new connection.
from . import immutability  # noqa: F401


class NoticesConfig(AppConfig):
    name = "notices"
    verbose_name = _("Notices")

    def ready(self):
        # Not at the top: auditlog's registry loads its models, which needs the app registry ready.
        from auditlog.registry import auditlog

        # Published versions are frozen, but a new publication, a company or notice edit changes pages.
        for model in ("Company", "Notice", "NoticeVersion"):
            sender = self.get_model(model)
            shown_on_public_pages(sender)
            # The companies of the preference matrix and the version in force are memoized per process.
            post_save.connect(memoized_data_changed, sender=sender, dispatch_uid=f"memos-{model}-save")
            post_delete.connect(memoized_data_changed, sender=sender, dispatch_uid=f"memos-{model}-delete")

        # The audit trail: who changed what, old and new values. A published version's snapshot is the
        # content itself, kept in its row for ever; its publication shows here as the status change.
        auditlog.register(self.get_model("NoticeVersion"), exclude_fields=["snapshot", "created_at", "updated_at"])
        for model in ("Company", "Notice", "DataItem", "JointUser", "Purpose", "Section"):
            auditlog.register(self.get_model(model))
