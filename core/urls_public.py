"""URLs of the public site on the bare BASE_DOMAIN."""

from django.contrib import admin
from django.urls import include, path

from onboarding import views

urlpatterns = [
    path("", views.home, name="home"),
    path("console/", include("onboarding.console.urls")),
    path("", include("onboarding.dpa_urls")),
    path("how-it-works/municipalities/", views.how_it_works_municipalities, name="how_municipalities"),
    path("how-it-works/organisations/", views.how_it_works_organisations, name="how_organisations"),
    path("sub-processors/", views.sub_processors, name="sub_processors"),
    path("dpa/", views.dpa_texts, name="dpa_public"),
    path("get-started/", views.get_started, name="get_started"),
    path("get-started/thanks/", views.get_started_thanks, name="get_started_thanks"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
