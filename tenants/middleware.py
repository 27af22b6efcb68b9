"""Routes each request to the public site or one tenant's schema by its host."""

import copy
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import set_urlconf
from django.utils import translation
from django.utils.translation import gettext as _

from .db import current_schema, tenant_connection, use_public_schema
from .models import Tenant, TenantStatus
from .routing import normalize_host, resolve_host

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
        try:
            hostname = normalize_host(request.get_host())
        except DisallowedHost:
            return self._page(request, status=404, template="tenants/unknown_host.html", tenant=None)
        route = resolve_host(hostname)
        if route is None:
            use_public_schema()
            return self._page(request, status=404, template="tenants/unknown_host.html", tenant=None)

        tenant = route.tenant
        if tenant is None:
            self._use_schema_of(None)
            # django-tenants (its admin templates among others) expects a tenant-like object with
            # a schema_name on every routed request; on the public site that is the public schema.
            request.tenant = tenant_connection().tenant  # type: ignore[attr-defined]
            request.urlconf = settings.PUBLIC_SCHEMA_URLCONF
            set_urlconf(request.urlconf)
            return self.get_response(request)

        if tenant.status != TenantStatus.ACTIVE:
            use_public_schema()
            status, template = _NOT_SERVING[TenantStatus(tenant.status)]
            return self._page(request, status=status, template=template, tenant=tenant)

        # The cached instance is shared by every thread of this process; each request gets its own.
        tenant = copy.copy(tenant)
        request.tenant = tenant  # type: ignore[attr-defined]
        tenant.domain_url = hostname
        self._use_schema_of(tenant)
        request.urlconf = settings.ROOT_URLCONF
        return self.get_response(request)

    @staticmethod
    def _use_schema_of(tenant: Tenant | None) -> None:
        """Point the connection at the tenant's schema (or public) unless it already is.

        Calling set_tenant() forgets that search_path is already set on this connection, so a
        request for the same tenant as the last one would pay a `SET search_path` for nothing.
        """
        if tenant is None:
            if current_schema() != settings.PUBLIC_SCHEMA_NAME:
                use_public_schema()
            return
        db = tenant_connection()
        if db.schema_name == tenant.schema_name and db.include_public_schema:
            db.tenant = tenant
            return
        db.set_tenant(tenant)

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
