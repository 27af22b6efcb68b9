"""API routes of clients, mounted under /api/v1/."""

from django.urls import URLPattern, URLResolver, path

from . import api

urlpatterns: list[URLPattern | URLResolver] = [
    path("clients/", api.ClientListApi.as_view(), name="client-list"),
    path("clients/<uuid:client_id>", api.ClientDetailApi.as_view(), name="client-detail"),
    path("clients/<uuid:client_id>/archive", api.ClientArchiveApi.as_view(), name="client-archive"),
]
