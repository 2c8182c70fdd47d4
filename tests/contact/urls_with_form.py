"""The site's URLs plus an inquiry form at /contact/form/, for the test that the page links it once it exists."""

from django.http import HttpResponse
from django.urls import path

from privacy_portal.urls import urlpatterns as site

urlpatterns = [*site, path("contact/form/", lambda request: HttpResponse("form"), name="form")]
