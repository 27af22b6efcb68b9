"""API routes of campaigns, mounted under /api/v1/."""

from django.urls import URLPattern, URLResolver, path

from . import api

urlpatterns: list[URLPattern | URLResolver] = [
    path("campaigns/", api.CampaignListApi.as_view(), name="campaign-list"),
    path("campaigns/<uuid:campaign_id>", api.CampaignDetailApi.as_view(), name="campaign-detail"),
    path("campaigns/<uuid:campaign_id>/archive", api.CampaignArchiveApi.as_view(), name="campaign-archive"),
    path("campaigns/<uuid:campaign_id>/qr.svg", api.CampaignQrSvgApi.as_view(), name="campaign-qr-svg"),
    path("campaigns/<uuid:campaign_id>/qr.png", api.CampaignQrPngApi.as_view(), name="campaign-qr-png"),
    path("campaigns/by-code/<str:code>", api.CampaignByCodeApi.as_view(), name="campaign-by-code"),
    path("campaigns/by-code/<str:code>/join", api.CampaignJoinApi.as_view(), name="campaign-join"),
]
