from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo: the Rakuten Insurance group's published pages, demo staff and demo policyholders."""

    name = "demo"
    verbose_name = _("Demo content")
