"""Routes each request to the public site or one tenant's schema by its host."""

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import set_urlconf
from django.utils import translation
from django.utils.translation import gettext as _

from .db import tenant_connection
from .models import Tenant, TenantStatus
from .routing import route_for

# What a host whose tenant is not serving shows instead: HTTP status, template, API message.
_NOT_SERVING = {
    TenantStatus.PROVISIONING: (503, "tenants/provisioning.html"),
    TenantStatus.SUSPENDED: (403, "tenants/suspended.html"),
    TenantStatus.CLOSED: (410, "tenants/closed.html"),
}


class TenantRoutingMiddleware:
    """Resolve the host to a tenant (cached, no SQL when warm) and point the connection at it.

    An unknown host gets a 404 page and a tenant that is not active a page of its own; neither
    ever reaches a tenant's schema.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        raw_host = request.META.get("HTTP_HOST") or request.META.get("SERVER_NAME", "")
        try:
            route = route_for(raw_host, request.get_host)
        except DisallowedHost:
            route = None
        db = tenant_connection()
        if route is None:
            db.set_schema_to_public()
            return self._page(request, status=404, template="tenants/unknown_host.html", tenant=None)

        tenant = route.tenant
        if tenant is None:
            if db.schema_name != settings.PUBLIC_SCHEMA_NAME:
                db.set_schema_to_public()
            # django-tenants (its admin templates among others) expects a tenant-like object with
            # a schema_name on every routed request; on the public site that is the public schema.
            request.tenant = db.tenant  # type: ignore[attr-defined]
            request.urlconf = settings.PUBLIC_SCHEMA_URLCONF
            set_urlconf(request.urlconf)
            return self.get_response(request)

        if tenant.status != TenantStatus.ACTIVE:
            db.set_schema_to_public()
            status, template = _NOT_SERVING[TenantStatus(tenant.status)]
            return self._page(request, status=status, template=template, tenant=tenant)

        request.tenant = tenant  # type: ignore[attr-defined]
        # set_tenant() forgets that search_path is already set on this connection, so only call
        # it when the connection points elsewhere: a warm request for the same tenant as the
        # connection's last one then issues no SQL at all.
        if db.schema_name == tenant.schema_name and db.include_public_schema:
            db.tenant = tenant
        else:
            db.set_tenant(tenant)
        request.urlconf = settings.ROOT_URLCONF
        return self.get_response(request)

    @staticmethod
    def _page(request: HttpRequest, *, status: int, template: str, tenant: Tenant | None) -> HttpResponse:
        language = tenant.language if tenant else translation.get_language_from_request(request)
        with translation.override(language):
            if request.path.startswith("/api/"):
                messages = {
                    404: _("No Dugnad service is configured at this address."),
                    403: _("This service is suspended."),
                    410: _("This service has closed."),
                    503: _("This service is being set up. Try again in a few minutes."),
                }
                return JsonResponse({"detail": messages[status]}, status=status)
            response = render(request, template, {"tenant": tenant, "base_domain": settings.BASE_DOMAIN}, status=status)
        if status == 503:
            response["Retry-After"] = "120"
        return response
