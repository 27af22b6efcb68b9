"""Host -> tenant resolution with no SQL in the steady state.

Two layers: a small per-process TTL cache in front of the shared platform cache (Redis in
production), then the database. Any change to a Tenant or Domain clears this process's layer and
bumps a generation number that retires every shared entry at once; other processes see the change
within TENANT_ROUTING_LOCAL_TTL seconds (docs/adr/0005-host-routing-cache.md).
"""

import threading
from dataclasses import dataclass
from typing import Any, cast

from cachetools import TTLCache
from django.conf import settings
from django.core.cache import caches
from django.db import transaction

from .models import Domain, Tenant

_GENERATION_KEY = "routing:generation"
_SHARED_TTL = 3600
_MISSING = "missing"


@dataclass(frozen=True)
class Route:
    """Where a host goes: the public site (tenant is None) or one tenant."""

    tenant: Tenant | None

    @property
    def is_public(self) -> bool:
        return self.tenant is None


PUBLIC_ROUTE = Route(tenant=None)

_lock = threading.Lock()
_local: TTLCache[str, Route | str] = TTLCache(maxsize=10_000, ttl=settings.TENANT_ROUTING_LOCAL_TTL)


def normalize_host(host: str) -> str:
    """Lower-case host name without port or trailing dot."""
    return host.split(":", 1)[0].rstrip(".").lower()


def resolve_host(hostname: str) -> Route | None:
    """Return the route for a host name (no port), or None when no tenant serves it."""
    if hostname == settings.BASE_DOMAIN:
        return PUBLIC_ROUTE
    with _lock:
        cached = _local.get(hostname)
    if cached is None:
        cached = _resolve_shared(hostname)
        with _lock:
            _local[hostname] = cached
    return None if cached == _MISSING else cached  # type: ignore[return-value]


def _resolve_shared(hostname: str) -> Route | str:
    shared = caches["platform"]
    generation = shared.get_or_set(_GENERATION_KEY, 1, timeout=None)
    key = f"routing:host:{generation}:{hostname}"
    found = shared.get(key)
    if found is None:
        found = _resolve_from_database(hostname)
        shared.set(key, found, timeout=_SHARED_TTL)
    return cast("Route | str", found)


def _resolve_from_database(hostname: str) -> Route | str:
    domain = Domain.objects.select_related("tenant").filter(domain=hostname).first()
    return Route(tenant=domain.tenant) if domain else _MISSING


def forget_routes() -> None:
    """Drop every cached route, in this process and (by a new generation) in the shared cache."""
    with _lock:
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
