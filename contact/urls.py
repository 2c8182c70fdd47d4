from django.urls import path

from . import views

app_name = "contact"

urlpatterns = [
    path("contact/", views.window_list, name="windows"),
    path("contact/form/", views.inquiry_form, name="form"),
]
