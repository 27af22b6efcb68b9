"""URLs of a tenant's host ({slug}.{BASE_DOMAIN})."""

from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from core.campaigns import views as campaign_views
from core.groups import views as group_views

from . import api, dpa_views

api_v1: list[URLPattern | URLResolver] = [
    path("tenant/", api.TenantInfoApi.as_view(), name="tenant-info"),
    path("me/", api.MeApi.as_view(), name="me"),
    *(
        path("", include(f"core.{app}.urls"))
        for app in (
            "accounts",
            "groups",
            "qualification",
            "campaigns",
            "clients",
            "audit",
            "messaging",
            "requests",
            "moderation",
            "notifications",
            "announcements",
        )
    ),
]

urlpatterns = [
    path("", include("core.web.urls")),
    path("api/v1/", include((api_v1, "api"), namespace="v1")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    # Sign-up and login by SMS code in the browser (allauth's pages); apps use /api/v1/auth/.
    path("accounts/", include("core.accounts.page_urls")),
    # The links that SMS, e-mails and printed QR codes carry.
    path("invite/<str:token>", group_views.invitation, name="invitation"),
    path("c/<str:code>", campaign_views.landing, name="campaign-landing"),
    # The data-processing agreement the tenant accepted (its admins only).
    path("settings/dpa", dpa_views.settings_dpa, name="settings-dpa"),
    path("settings/dpa.pdf", dpa_views.settings_dpa_pdf, name="settings-dpa-pdf"),
]
