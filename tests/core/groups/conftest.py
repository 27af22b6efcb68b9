"""Fixtures for the groups tests: people and groups inside Melhus' schema, and API clients."""

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token

from core.accounts.models import User
from core.groups.models import Group, Role
from tenants.models import Tenant
from tests.conftest import host_client, in_schema
from tests.factories import UserFactory, api_token_for, make_group, make_member


def api_client(tenant: Tenant, user: User) -> Client:
    """A client on the tenant's host that authenticates as `user` with an API token."""
    with in_schema(tenant.schema_name):
        existing = Token.objects.filter(user=user).first()
        token = existing.key if existing else api_token_for(user)
    return host_client(tenant, HTTP_AUTHORIZATION=f"Token {token}")


@pytest.fixture
def admin(in_melhus: Tenant) -> User:
    return UserFactory.create(name="Kari Nordmann", is_tenant_admin=True)


@pytest.fixture
def group(in_melhus: Tenant) -> Group:
    return make_group()


@pytest.fixture
def leader(group: Group) -> User:
    return make_member(group, role=Role.LEADER).user


@pytest.fixture
def person(in_melhus: Tenant) -> User:
    return UserFactory.create(name="Ola Berg", email="")
