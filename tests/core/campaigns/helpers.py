"""Helpers for the tests of campaigns, clients and the audit log: groups, members, an API caller."""

from typing import TYPE_CHECKING, Any

from django.test import Client

from core.accounts.models import User
from core.groups.models import Group, JoinPolicy, Membership, MembershipStatus, Purpose, Role, Visibility
from tenants.db import tenant_connection
from tenants.models import Tenant
from tests.conftest import host_client
from tests.factories import UserFactory, api_token_for

if TYPE_CHECKING:
    # The test client's response (with .json()), a name that exists only in django-stubs.
    from django.test.client import _MonkeyPatchedWSGIResponse as Response


def make_group(name: str = "Frivilligsentralen", **fields: Any) -> Group:
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


class Api:
    """A client on one tenant's host, optionally with a person's token.

    A request moves the connection to the host's schema; the caller's schema is restored after
    each call, so a test can go on reading its own schema after asking another tenant's host.
    """

    def __init__(self, tenant: Tenant, user: User | None = None, *, token: str | None = None) -> None:
        self.client: Client = host_client(tenant)
        if user is not None and token is None:
            token = api_token_for(user)
        self.headers = {"HTTP_AUTHORIZATION": f"Token {token}"} if token else {}

    def _call(self, method: str, path: str, **kwargs: Any) -> "Response":
        previous = tenant_connection().tenant
        try:
            response: Response = getattr(self.client, method)(f"/api/v1/{path}", **self.headers, **kwargs)
        finally:
            tenant_connection().set_tenant(previous)
        return response

    def get(self, path: str, params: dict[str, Any] | None = None) -> "Response":
        return self._call("get", path, data=params or {})

    def post(self, path: str, data: dict[str, Any] | None = None) -> "Response":
        return self._call("post", path, data=data or {}, content_type="application/json")

    def patch(self, path: str, data: dict[str, Any]) -> "Response":
        return self._call("patch", path, data=data, content_type="application/json")
