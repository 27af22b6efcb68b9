"""Session fixtures: two real tenants (a municipality and an organisation) in real PostgreSQL."""

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import setup_databases, teardown_databases
from django.utils import translation
from django_tenants.utils import schema_context
from pytest_django import DjangoDbBlocker

from core.accounts.models import User
from tenants.db import tenant_connection, use_public_schema
from tenants.models import Tenant
from tenants.routing import forget_routes
from tenants.services import provision_tenant
from tests.factories import api_token_for

if TYPE_CHECKING:
    # The test client's response (with .json()), a name that exists only in django-stubs.
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

MELHUS: dict[str, Any] = {"slug": "melhus", "name": "Melhus kommune", "kind": "municipality", "org_number": "938726027"}
RED_CROSS: dict[str, Any] = {
    "slug": "red-cross",
    "name": "Melhus Røde Kors",
    "kind": "organisation",
    "org_number": "971000007",
}

in_schema = schema_context


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[None]:
    """The test database with its public schema, plus the two standing tenants, built once."""
    with django_db_blocker.unblock():
        created = None
        if not connection.settings_dict["NAME"].startswith("test_"):
            # pytest-django sets up databases only for tests marked django_db; a run of tests that
            # commit their own data must still never touch the development database.
            created = setup_databases(verbosity=0, interactive=False, aliases={"default": {}})
        for spec in (MELHUS, RED_CROSS):
            provision_tenant(country="NO", language="nb", **spec)
    yield
    if created is not None:
        with django_db_blocker.unblock():
            teardown_databases(created, verbosity=0)


@pytest.fixture
def melhus(db: None) -> Tenant:
    return Tenant.objects.get(slug="melhus")


@pytest.fixture
def red_cross(db: None) -> Tenant:
    return Tenant.objects.get(slug="red-cross")


@pytest.fixture
def in_melhus(melhus: Tenant) -> Iterator[Tenant]:
    """Run the test body inside Melhus' schema."""
    with in_schema(melhus.schema_name):
        yield melhus


@pytest.fixture(autouse=True)
def _fresh_routing_and_schema() -> Iterator[None]:
    """Each test starts with cold caches and the connection on the public schema."""
    forget_routes()
    for alias in ("default", "platform"):
        caches[alias].clear()
    use_public_schema()
    # Messages asserted outside a request are the English source strings.
    translation.activate("en")
    yield
    use_public_schema()


def host_client(tenant: Tenant | None, **kwargs: object) -> Client:
    """A test client whose requests carry the tenant's host (or the public site's)."""
    host = f"{tenant.slug}.localhost" if tenant else "localhost"
    kwargs.setdefault("HTTP_ACCEPT_LANGUAGE", "en")
    return Client(HTTP_HOST=host, **kwargs)  # type: ignore[arg-type]


class Api:
    """A JSON client on one tenant's host, optionally with a person's token.

    A request moves the connection to the host's schema; the caller's schema is restored after
    each call, so a test can go on reading its own schema after asking another tenant's host.
    """

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
            tenant_connection().set_tenant(previous)
        return response

    def get(self, path: str, params: dict[str, Any] | None = None) -> "Response":
        return self.call("get", path, params)

    def post(self, path: str, data: dict[str, Any] | None = None) -> "Response":
        return self.call("post", path, data)

    def patch(self, path: str, data: dict[str, Any] | None = None) -> "Response":
        return self.call("patch", path, data)

    def put(self, path: str, data: dict[str, Any] | None = None) -> "Response":
        return self.call("put", path, data)

    def delete(self, path: str) -> "Response":
        return self.call("delete", path)
