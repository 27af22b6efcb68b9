"""Fixtures for the qualification tests: a group with a leader and an applicant inside Melhus' schema."""

from collections.abc import Iterator
from datetime import date
from typing import TYPE_CHECKING, Any

import pytest
from django.test import Client

from core.accounts.models import User
from core.groups.models import Group, JoinPolicy, Membership, MembershipStatus, Purpose, Role, Visibility
from core.qualification.models import Declaration, Requirement, RequirementKind
from core.qualification.services import do_add_requirement, do_create_declaration
from tenants.db import tenant_connection
from tenants.models import Tenant
from tests.conftest import host_client, in_schema
from tests.factories import UserFactory, api_token_for

if TYPE_CHECKING:
    # The test client's response (with .json()), a name that exists only in django-stubs.
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

# A fixed "today" for services that take one, far from month ends and leap days.
TODAY = date(2026, 3, 10)
DECLARATION_TEXT = "Jeg lover å bevare taushet om alt jeg får vite om andres personlige forhold.\n"


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


@pytest.fixture
def admin(in_melhus: Tenant) -> User:
    return UserFactory.create(name="Kari Nordmann", is_tenant_admin=True)


@pytest.fixture
def group(in_melhus: Tenant) -> Group:
    return make_group()


@pytest.fixture
def leader(group: Group) -> User:
    return make_member(group, UserFactory.create(name="Lise Leder"), role=Role.LEADER).user


@pytest.fixture
def applicant(group: Group) -> Membership:
    return make_member(group, UserFactory.create(name="Ola Berg", email=""), status=MembershipStatus.APPLIED)


@pytest.fixture
def declaration(admin: User) -> Declaration:
    return do_create_declaration(actor=admin, title="Taushetserklæring", text=DECLARATION_TEXT)


def police_requirement(group: Group, actor: User, **fields: Any) -> Requirement:
    fields.setdefault("legal_basis", "minors")
    return do_add_requirement(actor=actor, group=group, kind=RequirementKind.POLICE_CERTIFICATE, **fields)


def make_swedish(tenant: Tenant) -> None:
    """Turn the tenant Swedish for this test only (the test's transaction rolls it back)."""
    Tenant.objects.filter(pk=tenant.pk).update(country="SE")


class Api:
    """A JSON client on one tenant's host with a person's token; the caller's schema is kept across calls."""

    def __init__(self, tenant: Tenant, user: User | None = None, *, token: str | None = None) -> None:
        self.client: Client = host_client(tenant)
        if user is not None and token is None:
            token = api_token_for(user)
        self.headers = {"HTTP_AUTHORIZATION": f"Token {token}"} if token else {}

    def call(self, method: str, path: str, data: dict[str, Any] | None = None) -> "Response":
        previous = tenant_connection().tenant
        try:
            # Query parameters for GET, a JSON body for the rest.
            body: dict[str, Any] = {} if method == "get" else {"content_type": "application/json"}
            response: Response = getattr(self.client, method)(
                f"/api/v1/{path}", data=data or {}, **body, **self.headers
            )
        finally:
            # A request moves the connection to its host's schema; go back to where the test was.
            tenant_connection().set_tenant(previous)
        return response

    def get(self, path: str, params: dict[str, Any] | None = None) -> "Response":
        return self.call("get", path, params)

    def post(self, path: str, data: dict[str, Any] | None = None) -> "Response":
        return self.call("post", path, data)

    def put(self, path: str, data: dict[str, Any] | None = None) -> "Response":
        return self.call("put", path, data)

    def delete(self, path: str) -> "Response":
        return self.call("delete", path)
