"""Admin pages that read, never write: proxies give each its place in the admin and its own view permission."""

from django.utils.translation import gettext_lazy as _

from consents.models import Preference
from notices.models import NoticeVersion


class OptInDashboard(Preference):
    class Meta:
        proxy = True
        verbose_name = _("opt-in dashboard")
        verbose_name_plural = _("opt-in dashboard")


class ConsentReport(NoticeVersion):
    """A joint-use version whose ground is consent, seen as the answers to it."""

    class Meta:
        proxy = True
        verbose_name = _("answers to a consent request")
        verbose_name_plural = _("answers to consent requests")
