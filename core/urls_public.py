"""URLs of the public site on the bare BASE_DOMAIN."""

from django.contrib import admin
from django.urls import include, path

from onboarding import views

urlpatterns = [
    path("", views.home, name="home"),
    path("console/", include("onboarding.console.urls")),
    path("", include("onboarding.dpa_urls")),
    path("admin/", admin.site.urls),
]
