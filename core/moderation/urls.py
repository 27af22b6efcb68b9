"""API routes of moderation, mounted under /api/v1/."""

from django.urls import URLPattern, URLResolver, path

from . import api

urlpatterns: list[URLPattern | URLResolver] = [
    path("reports/", api.ReportCreateApi.as_view(), name="report-create"),
    path("moderation/reports/", api.ModerationQueueApi.as_view(), name="moderation-queue"),
    path("moderation/reports/<uuid:report_id>/hide", api.ReportHideApi.as_view(), name="report-hide"),
    path("moderation/reports/<uuid:report_id>/dismiss", api.ReportDismissApi.as_view(), name="report-dismiss"),
    path("moderation/requests/<uuid:request_id>/hide", api.RequestHideApi.as_view(), name="moderation-request-hide"),
    path(
        "moderation/requests/<uuid:request_id>/unhide",
        api.RequestUnhideApi.as_view(),
        name="moderation-request-unhide",
    ),
    path("moderation/sanctions/", api.SanctionListApi.as_view(), name="sanction-list"),
    path("moderation/sanctions/<uuid:sanction_id>/lift", api.SanctionLiftApi.as_view(), name="sanction-lift"),
]
