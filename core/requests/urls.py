"""API routes of requests for help, mounted under /api/v1/."""

from django.urls import URLPattern, URLResolver, path

from .statistics_api import StatisticsApi

urlpatterns: list[URLPattern | URLResolver] = [
    path("statistics/requests/", StatisticsApi.as_view(), name="request-statistics"),
]
