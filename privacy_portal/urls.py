from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from . import views

admin.site.site_header = _("Privacy portal administration")
admin.site.site_title = _("Privacy portal administration")
admin.site.index_title = _("Administration")

handler400 = "privacy_portal.views.bad_request"
handler403 = "privacy_portal.views.permission_denied"
handler404 = "privacy_portal.views.page_not_found"
handler500 = "privacy_portal.views.server_error"

# Each app's routes live in its own urls.py, mounted here under its prefix; the three apps that own more than
# one top-level prefix say which.
urlpatterns = [
    path("", include("notices.urls")),  # the top page, /companies/, /notices/<slug>/…, /privacy/…
    path("faq/", include("faq.urls")),
    path("contact/", include("contact.urls")),
    path("", include("customers.urls")),  # /login/…, /logout/…
    path("my/requests/", include("desk.urls")),
    path("my/disclosures/", include("disclosure.urls")),
    path("", include("consents.urls")),  # /my/ (the preference center), /unsubscribe/<token>/
    path("api/v1/", include("api.urls")),
    path("admin/", admin.site.urls),
    # Load balancers probe without a trailing slash; both forms answer, neither redirects.
    path("healthz", views.healthz),
    path("healthz/", views.healthz, name="healthz"),
    path("readyz", views.readyz),
    path("readyz/", views.readyz, name="readyz"),
]
