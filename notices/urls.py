from django.urls import path, register_converter

from . import views
from .converters import IsoDateConverter

register_converter(IsoDateConverter, "isodate")

app_name = "notices"

urlpatterns = [
    path("", views.home, name="home"),
    path("companies/", views.company_list, name="companies"),
    # 保有個人データに関する事項: the group's page; each company's page is a notice under /notices/.
    path("privacy/", views.retained_data, name="retained_data"),
    path("privacy/request-form/", views.request_form, name="request_form"),
    path("privacy/request-form/pdf/", views.request_form_pdf, name="request_form_pdf"),
    path("notices/<slug:slug>/", views.notice_detail, name="notice"),
    path("notices/<slug:slug>/versions/", views.version_list, name="versions"),
    path("notices/<slug:slug>/<isodate:date>/", views.version_detail, name="version"),
    path("notices/<slug:slug>/compare/<isodate:old>/<isodate:new>/", views.compare, name="compare"),
    path("notices/<slug:slug>/compare/<isodate:old>/<isodate:new>/pdf/", views.compare_pdf, name="compare_pdf"),
]
