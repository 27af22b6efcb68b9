"""Benchmark middleware: serve one fixed tenant with no host lookup (routing bypassed)."""

import os
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from tenants.db import tenant_connection
from tenants.models import Tenant
from tests.bench.common import TENANT_SCHEMA_ENV


class FixedTenantMiddleware:
    """Stand-in for TenantRoutingMiddleware that does what it does for an active tenant, minus routing.

    The tenant is read once, when Django builds the middleware chain at start-up, so a request
    pays only for the attribute assignments the real middleware also makes.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.tenant = Tenant.objects.get(schema_name=os.environ[TENANT_SCHEMA_ENV])
        self.tenant.domain_url = f"{self.tenant.slug}.{settings.BASE_DOMAIN}"

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.tenant = self.tenant  # type: ignore[attr-defined]
        # Same check as the real middleware: set_tenant() would make the next cursor re-issue
        # `SET search_path`, so it is called only when the connection points elsewhere.
        db = tenant_connection()
        if db.schema_name != self.tenant.schema_name:
            db.set_tenant(self.tenant)
        request.urlconf = settings.ROOT_URLCONF
        return self.get_response(request)
