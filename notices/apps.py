from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _

from core.memo import memoized_data_changed
from core.pagecache import public_content_changed

# Registers the SQLite function that the immutability triggers call, on every new connection.
from . import immutability  # noqa: F401


class NoticesConfig(AppConfig):
    name = "notices"
    verbose_name = _("Notices")

    def ready(self):
        # Published versions are frozen, but a new publication, a company or notice edit changes pages.
        for model in ("Company", "Notice", "NoticeVersion"):
            sender = self.get_model(model)
            post_save.connect(public_content_changed, sender=sender, dispatch_uid=f"public-pages-{model}-save")
            post_delete.connect(public_content_changed, sender=sender, dispatch_uid=f"public-pages-{model}-delete")
            # The companies of the preference matrix and the version in force are memoized per process.
            post_save.connect(memoized_data_changed, sender=sender, dispatch_uid=f"memos-{model}-save")
            post_delete.connect(memoized_data_changed, sender=sender, dispatch_uid=f"memos-{model}-delete")
