from django.urls import path

from . import views

app_name = "contact"

urlpatterns = [
    path("", views.window_list, name="windows"),
    path("form/", views.inquiry_form, name="form"),
]
