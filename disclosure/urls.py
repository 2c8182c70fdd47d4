from django.urls import path

from . import views

app_name = "disclosure"

urlpatterns = [
    path("my/disclosures/", views.package_list, name="list"),
    path("my/disclosures/<int:pk>/download/", views.download, name="download"),
]
