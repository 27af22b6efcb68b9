"""API routes of announcements, mounted under /api/v1/."""

from django.urls import URLPattern, URLResolver, path

from . import api

urlpatterns: list[URLPattern | URLResolver] = [
    path("announcements/", api.MyAnnouncementsApi.as_view(), name="announcement-list"),
    path("groups/<uuid:group_id>/announcements/", api.GroupAnnouncementsApi.as_view(), name="group-announcements"),
]
