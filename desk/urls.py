from django.urls import path

from . import views

app_name = "desk"

urlpatterns = [
    path("", views.request_list, name="list"),
    path("new/", views.request_new, name="new"),
    path("marketing-stop/", views.marketing_stop, name="marketing_stop"),
    path("<str:number>/", views.request_detail, name="detail"),
]
