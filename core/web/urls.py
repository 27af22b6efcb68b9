"""The web app's pages on a tenant's host, in the "web" namespace."""

from django.urls import URLPattern, URLResolver, path

from . import manage_people, manage_site, member_pages, requests_pages, views

app_name = "web"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.home, name="home"),
    path("theme.css", views.theme, name="theme"),
    path("language", views.language, name="language"),
    *requests_pages.urlpatterns,
    *member_pages.urlpatterns,
    *manage_people.urlpatterns,
    *manage_site.urlpatterns,
]
