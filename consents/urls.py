from django.urls import path

from . import reconsent_views, unsubscribe, views

app_name = "consents"

urlpatterns = [
    path("my/", views.my, name="my"),
    path("my/preferences/", views.preferences, name="preferences"),
    path("my/receipts/<str:number>/", views.receipt, name="receipt"),
    path("my/history/", views.history, name="history"),
    path("my/joint-use/<int:version_id>/", reconsent_views.joint_use_consent, name="joint_use_consent"),
    path("unsubscribe/<str:token>/", unsubscribe.unsubscribe, name="unsubscribe"),
]
