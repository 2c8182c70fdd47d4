from django.urls import path

from . import views

app_name = "customers"

urlpatterns = [
    path("login/", views.login, name="login"),
    path("login/sent/", views.login_sent, name="login_sent"),
    path("login/link/<str:token>/", views.login_link, name="login_link"),
    path("logout/", views.logout, name="logout"),
    path("logout/done/", views.logged_out, name="logged_out"),
]
