"""Host routing: public site, tenants, unknown hosts, tenants that are not serving."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.accounts.models import User
from tenants.models import Domain, Tenant, TenantStatus
from tests.conftest import host_client, in_schema
from tests.factories import UserFactory, api_token_for

pytestmark = pytest.mark.django_db


def test_bare_domain_serves_the_public_site(melhus: Tenant) -> None:
    response = host_client(None).get("/")
    assert response.status_code == 200
    assert b"Help from people nearby" in response.content
    assert melhus.name.encode() not in response.content


def test_tenant_host_serves_that_tenant(melhus: Tenant, red_cross: Tenant) -> None:
    response = host_client(melhus).get("/api/v1/tenant/")
    assert response.status_code == 200
    assert response.json()["slug"] == "melhus"
    assert host_client(red_cross).get("/api/v1/tenant/").json()["name"] == "Melhus Røde Kors"


def test_tenant_host_with_port_and_upper_case_resolves(melhus: Tenant) -> None:
    client = host_client(None)
    response = client.get("/api/v1/tenant/", HTTP_HOST="MELHUS.localhost:8000")
    assert response.json()["slug"] == "melhus"


@pytest.mark.parametrize("path", ["/", "/api/v1/tenant/", "/api/v1/me/", "/admin/"])
def test_unknown_host_gets_a_clear_404_and_no_tenant_data(path: str, melhus: Tenant, red_cross: Tenant) -> None:
    response = host_client(None).get(path, HTTP_HOST="nowhere.localhost")
    assert response.status_code == 404
    body = response.content.decode()
    assert "No " in body
    for tenant in (melhus, red_cross):
        assert tenant.name not in body
        assert tenant.slug not in body


def test_unknown_host_page_is_a_page_not_a_stack_trace(melhus: Tenant) -> None:
    response = host_client(None).get("/", HTTP_HOST="nowhere.localhost")
    assert response["Content-Type"].startswith("text/html")
    assert "No service at this address" in response.content.decode() or "Ingen" in response.content.decode()


def test_host_outside_base_domain_is_refused(melhus: Tenant) -> None:
    response = host_client(None).get("/api/v1/tenant/", HTTP_HOST="melhus.evil.example")
    assert response.status_code in (400, 404)
    assert b"Melhus" not in response.content


@pytest.mark.parametrize(
    ("status", "http_status", "text"),
    [
        (TenantStatus.SUSPENDED, 403, "suspended"),
        (TenantStatus.PROVISIONING, 503, "being set up"),
        (TenantStatus.CLOSED, 410, "closed"),
    ],
)
def test_tenant_that_is_not_active_gets_its_own_page(melhus: Tenant, status: str, http_status: int, text: str) -> None:
    with in_schema(melhus.schema_name):
        UserFactory.create(name="Secret Resident")
    melhus.status = status
    melhus.language = "en"
    melhus.save()

    page = host_client(melhus).get("/")
    api = host_client(melhus).get("/api/v1/me/")

    assert page.status_code == http_status
    assert text in page.content.decode()
    assert api.status_code == http_status
    assert text in api.json()["detail"]
    assert b"Secret Resident" not in page.content


def test_suspending_a_tenant_takes_effect_at_once_despite_the_cache(melhus: Tenant) -> None:
    client = host_client(melhus)
    assert client.get("/api/v1/tenant/").status_code == 200

    melhus.status = TenantStatus.SUSPENDED
    melhus.save()

    assert client.get("/api/v1/tenant/").status_code == 403


def test_removing_a_domain_takes_effect_at_once_despite_the_cache(melhus: Tenant) -> None:
    client = host_client(melhus)
    assert client.get("/api/v1/tenant/").status_code == 200

    Domain.objects.filter(tenant=melhus).delete()

    assert client.get("/api/v1/tenant/").status_code == 404


def test_a_new_domain_is_served_even_after_it_was_asked_for_unknown(melhus: Tenant) -> None:
    client = host_client(None)
    assert client.get("/api/v1/tenant/", HTTP_HOST="hjelp.localhost").status_code == 404

    Domain.objects.create(domain="hjelp.localhost", tenant=melhus, is_primary=False)

    assert client.get("/api/v1/tenant/", HTTP_HOST="hjelp.localhost").json()["slug"] == "melhus"


def test_routing_costs_one_query_cold_and_none_once_warm(melhus: Tenant) -> None:
    client = host_client(melhus)
    with CaptureQueriesContext(connection) as cold:
        client.get("/api/v1/tenant/")
    with CaptureQueriesContext(connection) as warm:
        response = client.get("/api/v1/tenant/")

    assert response.status_code == 200
    assert len(cold) == 1, [q["sql"] for q in cold]
    assert "tenants_domain" in cold[0]["sql"]
    assert len(warm) == 0, [q["sql"] for q in warm]


def test_warm_routed_request_adds_no_statement_to_what_the_view_needs(melhus: Tenant) -> None:
    with in_schema(melhus.schema_name):
        token = api_token_for(UserFactory.create(name="Token Holder"))
    client = host_client(melhus, HTTP_AUTHORIZATION=f"Token {token}")
    client.get("/api/v1/me/")  # warm: routing cached and search_path set on this connection

    with CaptureQueriesContext(connection) as warm:
        response = client.get("/api/v1/me/")

    assert response.json()["name"] == "Token Holder"
    statements = [q["sql"] for q in warm]
    assert len(statements) == 1, statements
    assert "authtoken_token" in statements[0]


def test_switching_tenants_sets_the_search_path_again(melhus: Tenant, red_cross: Tenant) -> None:
    with in_schema(melhus.schema_name):
        melhus_token = api_token_for(UserFactory.create(phone="+4791111113", name="In Melhus"))
    with in_schema(red_cross.schema_name):
        red_cross_token = api_token_for(UserFactory.create(phone="+4791111113", name="In Red Cross"))

    first = host_client(melhus, HTTP_AUTHORIZATION=f"Token {melhus_token}").get("/api/v1/me/")
    second = host_client(red_cross, HTTP_AUTHORIZATION=f"Token {red_cross_token}").get("/api/v1/me/")
    third = host_client(melhus, HTTP_AUTHORIZATION=f"Token {melhus_token}").get("/api/v1/me/")

    assert [r.json()["name"] for r in (first, second, third)] == ["In Melhus", "In Red Cross", "In Melhus"]


def test_admin_site_is_on_the_public_host_only(melhus: Tenant) -> None:
    staff = User.objects.create_superuser("+4740000098", "Vendor Staff", "s3cret-pass")
    public = host_client(None)

    assert public.post("/admin/login/", {"username": staff.phone, "password": "s3cret-pass"}).status_code == 302
    assert public.get("/admin/").status_code == 200
    assert host_client(melhus).get("/admin/").status_code == 404


def test_api_docs_and_schema_are_served_on_a_tenant_host_from_our_own_assets(melhus: Tenant) -> None:
    client = host_client(melhus)

    schema = client.get("/api/schema/")
    docs = client.get("/api/docs/")

    assert schema.status_code == 200
    assert b"/api/v1/tenant/" in schema.content
    assert docs.status_code == 200
    assert b"cdn." not in docs.content
    assert b"/static/drf_spectacular_sidecar/" in docs.content
