from django.urls import path

from . import views

app_name = "desk"

urlpatterns = [
    path("my/requests/", views.request_list, name="list"),
    path("my/requests/new/", views.request_new, name="new"),
    path("my/requests/<str:number>/", views.request_detail, name="detail"),
]
