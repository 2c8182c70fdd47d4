from django.urls import path

from . import reconsent_views, unsubscribe, views

app_name = "consents"

urlpatterns = [
    path("login/", views.login, name="login"),
    path("login/sent/", views.login_sent, name="login_sent"),
    path("login/link/<str:token>/", views.login_link, name="login_link"),
    path("logout/", views.logout, name="logout"),
    path("logout/done/", views.logged_out, name="logged_out"),
    path("my/", views.my, name="my"),
    path("my/preferences/", views.preferences, name="preferences"),
    path("my/receipts/<str:number>/", views.receipt, name="receipt"),
    path("my/history/", views.history, name="history"),
    path("my/joint-use/<int:version_id>/", reconsent_views.joint_use_consent, name="joint_use_consent"),
    path("unsubscribe/<str:token>/", unsubscribe.unsubscribe, name="unsubscribe"),
]
