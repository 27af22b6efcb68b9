"""The tenant-aware database connection, typed: the one place that names its schema API."""

from typing import Any, Protocol, cast

from django.db import DEFAULT_DB_ALIAS, connections


class TenantConnection(Protocol):
    """What django-tenants' database wrapper adds to Django's connection."""

    schema_name: str
    tenant: Any
    include_public_schema: bool

    def set_tenant(self, tenant: Any, include_public: bool = True) -> None: ...

    def set_schema(self, schema_name: str, include_public: bool = True) -> None: ...

    def set_schema_to_public(self) -> None: ...


def tenant_connection() -> TenantConnection:
    """The current thread's default connection, seen through its schema-switching API.

    The wrapper itself rather than django.db.connection: every attribute read through that proxy
    costs a thread-local lookup, and routing reads several per request.
    """
    return cast("TenantConnection", connections[DEFAULT_DB_ALIAS])


def current_schema() -> str:
    return tenant_connection().schema_name


def use_public_schema() -> None:
    """Point the connection at the public schema (tenants, domains, vendor staff)."""
    tenant_connection().set_schema_to_public()
