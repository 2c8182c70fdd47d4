from django.urls import path

from . import views

app_name = "disclosure"

urlpatterns = [
    path("", views.package_list, name="list"),
    path("<int:pk>/download/", views.download, name="download"),
]
