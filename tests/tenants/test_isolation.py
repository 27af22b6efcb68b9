"""Tenant isolation: what is created in one tenant is invisible from another."""

import pytest
from django.core.cache import cache

from core.accounts.models import User
from tenants.models import Tenant
from tests.conftest import host_client, in_schema
from tests.factories import UserFactory, api_token_for

pytestmark = pytest.mark.django_db


def test_rows_of_one_tenant_are_invisible_from_another_via_the_orm(melhus: Tenant, red_cross: Tenant) -> None:
    with in_schema(melhus.schema_name):
        UserFactory.create(phone="+4792222221", name="Only In Melhus")

    with in_schema(red_cross.schema_name):
        assert not User.objects.filter(phone="+4792222221").exists()
        assert not User.objects.filter(name="Only In Melhus").exists()
    with in_schema("public"):
        assert not User.objects.filter(phone="+4792222221").exists()


def test_same_phone_in_two_tenants_is_two_independent_accounts(melhus: Tenant, red_cross: Tenant) -> None:
    with in_schema(melhus.schema_name):
        in_melhus = User.objects.create_user("+4792222222", "Ola in Melhus")
    with in_schema(red_cross.schema_name):
        in_red_cross = User.objects.create_user("+4792222222", "Ola in Red Cross")

    with in_schema(melhus.schema_name):
        in_melhus.refresh_from_db()
        in_melhus.name = "Renamed in Melhus"
        in_melhus.save()
    with in_schema(red_cross.schema_name):
        in_red_cross.refresh_from_db()

    assert in_melhus.pk != in_red_cross.pk
    assert in_red_cross.name == "Ola in Red Cross"


def test_token_of_one_tenant_is_refused_on_another_tenants_host(melhus: Tenant, red_cross: Tenant) -> None:
    with in_schema(melhus.schema_name):
        key = api_token_for(UserFactory.create(name="Melhus Member"))

    own = host_client(melhus, HTTP_AUTHORIZATION=f"Token {key}").get("/api/v1/me/")
    other = host_client(red_cross, HTTP_AUTHORIZATION=f"Token {key}").get("/api/v1/me/")

    assert own.status_code == 200
    assert other.status_code == 401
    assert b"Melhus Member" not in other.content


def test_session_of_one_tenant_is_anonymous_on_another_tenants_host(melhus: Tenant, red_cross: Tenant) -> None:
    with in_schema(melhus.schema_name):
        user = UserFactory.create(name="Session Holder")
    client = host_client(melhus)
    with in_schema(melhus.schema_name):
        client.force_login(user)

    assert client.get("/api/v1/me/").json()["name"] == "Session Holder"
    # The same cookie jar sent to the other tenant: its schema has no such session.
    stolen = client.get("/api/v1/me/", HTTP_HOST=f"{red_cross.slug}.localhost")
    assert stolen.status_code in (401, 403)
    assert b"Session Holder" not in stolen.content


def test_cache_entries_are_scoped_to_the_tenant_schema(melhus: Tenant, red_cross: Tenant) -> None:
    with in_schema(melhus.schema_name):
        cache.set("feed:latest", "melhus data")
    with in_schema(red_cross.schema_name):
        assert cache.get("feed:latest") is None
        cache.set("feed:latest", "red cross data")
    with in_schema(melhus.schema_name):
        assert cache.get("feed:latest") == "melhus data"
