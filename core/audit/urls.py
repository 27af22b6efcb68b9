"""API routes of audit, mounted under /api/v1/."""

from django.urls import URLPattern, URLResolver, path

from . import api

urlpatterns: list[URLPattern | URLResolver] = [
    path("audit/", api.AuditEventListApi.as_view(), name="audit-list"),
]
