"""Fixtures for the groups tests: people and groups inside Melhus' schema, and API clients."""

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token

from core.accounts.models import User
from core.groups.models import Group, JoinPolicy, Membership, MembershipStatus, Purpose, Role, Visibility
from tenants.models import Tenant
from tests.conftest import host_client, in_schema
from tests.factories import UserFactory, api_token_for


@pytest.fixture
def in_melhus(melhus: Tenant) -> Iterator[Tenant]:
    """Run the test body inside Melhus' schema."""
    with in_schema(melhus.schema_name):
        yield melhus


def make_group(name: str = "Leksehjelp", **fields: Any) -> Group:
    fields.setdefault("purpose", Purpose.RESOURCE)
    fields.setdefault("join_policy", JoinPolicy.APPROVAL)
    fields.setdefault("visibility", Visibility.PUBLIC)
    return Group.objects.create(name=name, **fields)


def make_member(
    group: Group,
    user: User | None = None,
    *,
    role: Role = Role.MEMBER,
    status: MembershipStatus = MembershipStatus.APPROVED,
) -> Membership:
    return Membership.objects.create(group=group, user=user or UserFactory.create(), role=role, status=status)


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
