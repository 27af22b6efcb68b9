"""Pages of the web app (being built)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
