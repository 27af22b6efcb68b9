"""Host -> tenant resolution with no SQL, and almost no work, in the steady state.

Two layers: a per-process dict keyed by the raw Host header, whose entries expire after
TENANT_ROUTING_LOCAL_TTL seconds, in front of the shared platform cache (Redis in production),
then the database. Any change to a Tenant or Domain clears this process's layer and bumps a
generation number that retires every shared entry at once; other processes see the change within
the TTL (docs/adr/0005-host-routing-cache.md).

This runs on every request, so it is deliberately plain: a dict lookup and a clock read when warm
(a TTL cache library cost more than the rest of the routing together).
"""

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.db import transaction

from .models import Domain, Tenant

_GENERATION_KEY = "routing:generation"
_SHARED_TTL = 3600
# Bounds memory when clients send many distinct host names under BASE_DOMAIN.
_LOCAL_MAX_ENTRIES = 10_000


@dataclass(frozen=True)
class Route:
    """Where a host goes: the public site (tenant is None) or one tenant.

    The tenant instance is shared by every request this process serves for the host: read it,
    never change it (services load their own copy to write).
    """

    tenant: Tenant | None


PUBLIC_ROUTE = Route(tenant=None)

# raw Host header -> (expires at, route or None for "no tenant here")
_local: dict[str, tuple[float, Route | None]] = {}


def normalize_host(host: str) -> str:
    """Lower-case host name without port or trailing dot."""
    return host.split(":", 1)[0].rstrip(".").lower()


def route_for(raw_host: str, checked_host: Callable[[], str]) -> Route | None:
    """Return the route for a request's raw Host header, or None when no tenant serves it.

    `checked_host` validates the header against ALLOWED_HOSTS (raising DisallowedHost) and is only
    called on a miss: a header that is cached has passed that check before.
    """
    now = time.monotonic()
    entry = _local.get(raw_host)
    if entry is not None and entry[0] > now:
        return entry[1]
    route = resolve_host(normalize_host(checked_host()))
    if len(_local) >= _LOCAL_MAX_ENTRIES:
        _local.clear()
    _local[raw_host] = (now + settings.TENANT_ROUTING_LOCAL_TTL, route)
    return route


def resolve_host(hostname: str) -> Route | None:
    """Return the route for a host name (no port) from the shared cache or the database."""
    if hostname == settings.BASE_DOMAIN:
        return PUBLIC_ROUTE
    shared = caches["platform"]
    generation = shared.get_or_set(_GENERATION_KEY, 1, timeout=None)
    key = f"routing:host:{generation}:{hostname}"
    tenant: Tenant | bool | None = shared.get(key)
    if tenant is None:
        domain = Domain.objects.select_related("tenant").filter(domain=hostname).first()
        tenant = domain.tenant if domain else False
        shared.set(key, tenant, timeout=_SHARED_TTL)
    if not isinstance(tenant, Tenant):
        return None
    tenant.domain_url = hostname
    return Route(tenant=tenant)


def forget_routes() -> None:
    """Drop every cached route, in this process and (by a new generation) in the shared cache."""
    _local.clear()
    shared = caches["platform"]
    try:
        shared.incr(_GENERATION_KEY)
    except ValueError:
        shared.set(_GENERATION_KEY, 2, timeout=None)


def on_routing_change(**_signal: Any) -> None:
    """Signal receiver: forget now, and again once the change is committed.

    The second pass closes the window in which a concurrent request could cache the old row
    between this write and its commit.
    """
    forget_routes()
    transaction.on_commit(forget_routes)
