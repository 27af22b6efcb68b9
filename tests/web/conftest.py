"""Helpers for page tests: a browser-like client on a tenant's host, signed in by session."""

from django.conf import settings
from django.test import Client

from core.accounts.models import User
from tenants.models import Tenant
from tests.conftest import host_client, in_schema


def web_client(tenant: Tenant, user: User | None = None, *, language: str = "en") -> Client:
    """A client on the tenant's host that speaks `language` (English by default, so tests read the
    source strings whatever the tenant's default language), signed in as `user` when given."""
    client = host_client(tenant)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    if user is not None:
        with in_schema(tenant.schema_name):
            client.force_login(user)
    return client
