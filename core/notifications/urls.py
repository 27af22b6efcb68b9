"""API routes of notifications, mounted under /api/v1/."""

from django.urls import URLPattern, URLResolver, path

from .api import NotificationPreferencesApi

urlpatterns: list[URLPattern | URLResolver] = [
    path("me/notifications/", NotificationPreferencesApi.as_view(), name="notification-preferences"),
]
