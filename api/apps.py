from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = _("API for group systems")

    def ready(self):
        from .auth import api_clients_changed

        client = self.get_model("ApiClient")
        post_save.connect(api_clients_changed, sender=client, dispatch_uid="api-clients-save")
        post_delete.connect(api_clients_changed, sender=client, dispatch_uid="api-clients-delete")
        m2m_changed.connect(api_clients_changed, sender=client.companies.through, dispatch_uid="api-clients-scope")
