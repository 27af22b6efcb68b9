"""Provisioning: schema, migrations, domain and status, idempotent and resumable after failure."""

from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_exists
from pytest_django import DjangoDbBlocker

from core.accounts.models import User
from tenants import services
from tenants.db import use_public_schema
from tenants.models import Domain, Tenant, TenantStatus
from tenants.services import do_register_tenant, provision_tenant
from tenants.tasks import resume_stalled_provisioning
from tests.conftest import in_schema
from tests.factories import UserFactory

SPEC: dict[str, Any] = {
    "name": "Gjøvik kommune",
    "kind": "municipality",
    "country": "NO",
    "language": "nb",
    "org_number": "938726027",
}


@pytest.fixture
def committed(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[Callable[[str], str]]:
    """Real, committed provisioning (DDL and all); drops every tenant a test names."""
    slugs: list[str] = []

    def track(slug: str) -> str:
        slugs.append(slug)
        return slug

    with django_db_blocker.unblock():
        yield track
        use_public_schema()
        for tenant in Tenant.objects.filter(slug__in=slugs):
            tenant.delete(force_drop=True)


def _tables(schema: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s", [schema])
        return {row[0] for row in cursor.fetchall()}


def test_provisioning_creates_a_migrated_schema_a_domain_and_activates(committed: Callable[[str], str]) -> None:
    tenant = provision_tenant(slug=committed("gjovik"), **SPEC)

    assert tenant.status == TenantStatus.ACTIVE
    assert tenant.schema_name == "gjovik"
    assert {"accounts_user", "django_session", "django_migrations"} <= _tables("gjovik")
    assert "tenants_tenant" not in _tables("gjovik")
    assert list(Domain.objects.filter(tenant=tenant).values_list("domain", flat=True)) == ["gjovik.localhost"]
    with in_schema("gjovik"):
        UserFactory.create()
        assert User.objects.count() == 1


def test_hyphenated_slug_gets_an_underscored_schema(committed: Callable[[str], str]) -> None:
    tenant = provision_tenant(slug=committed("nord-fron"), **SPEC)
    assert tenant.schema_name == "nord_fron"
    assert schema_exists("nord_fron")


def test_provisioning_twice_changes_nothing_the_second_time(committed: Callable[[str], str]) -> None:
    first = provision_tenant(slug=committed("gjovik"), **SPEC)
    with in_schema("gjovik"):
        UserFactory.create(name="Kept Person")

    second = provision_tenant(slug="gjovik", **SPEC)

    assert second.pk == first.pk
    assert Tenant.objects.filter(slug="gjovik").count() == 1
    assert Domain.objects.filter(tenant=first).count() == 1
    with in_schema("gjovik"):
        assert User.objects.filter(name="Kept Person").exists()


def test_failure_half_way_leaves_a_resumable_tenant_and_a_retry_finishes(
    committed: Callable[[str], str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def network_blip(tenant: Tenant) -> None:
        raise ConnectionError("lost the database between migrating and adding the domain")

    monkeypatch.setattr(services, "_ensure_domain", network_blip)
    with pytest.raises(ConnectionError):
        provision_tenant(slug=committed("gjovik"), **SPEC)

    half = Tenant.objects.get(slug="gjovik")
    assert half.status == TenantStatus.PROVISIONING
    assert schema_exists("gjovik")
    assert not Domain.objects.filter(tenant=half).exists()

    monkeypatch.undo()
    done = provision_tenant(slug="gjovik", **SPEC)

    assert done.status == TenantStatus.ACTIVE
    assert Domain.objects.filter(tenant=done).count() == 1


def test_a_half_migrated_schema_is_finished_by_a_retry(committed: Callable[[str], str]) -> None:
    tenant = do_register_tenant(slug=committed("gjovik"), **SPEC)
    with connection.cursor() as cursor:
        cursor.execute('CREATE SCHEMA "gjovik"')
    call_command(
        "migrate_schemas",
        schema_name="gjovik",
        tenant=True,
        interactive=False,
        verbosity=0,
        app_label="contenttypes",
        migration_name="0001",
    )
    use_public_schema()
    assert "accounts_user" not in _tables("gjovik")

    services.do_provision_tenant(tenant=tenant)

    assert "accounts_user" in _tables("gjovik")
    assert Tenant.objects.get(slug="gjovik").status == TenantStatus.ACTIVE


def test_the_periodic_job_resumes_stalled_provisioning(
    committed: Callable[[str], str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(services, "_ensure_domain", lambda *_: (_ for _ in ()).throw(TimeoutError()))
    with pytest.raises(TimeoutError):
        provision_tenant(slug=committed("gjovik"), **SPEC)
    monkeypatch.undo()
    Tenant.objects.filter(slug="gjovik").update(updated_at=timezone.now() - timedelta(minutes=11))

    resumed = resume_stalled_provisioning()

    assert resumed == ["gjovik"]
    assert Tenant.objects.get(slug="gjovik").status == TenantStatus.ACTIVE


def test_one_tenant_that_still_fails_does_not_hold_up_the_others(
    committed: Callable[[str], str], monkeypatch: pytest.MonkeyPatch
) -> None:
    do_register_tenant(slug=committed("broken"), **SPEC)
    do_register_tenant(slug=committed("gjovik"), **SPEC)
    Tenant.objects.filter(slug__in=["broken", "gjovik"]).update(updated_at=timezone.now() - timedelta(minutes=11))
    real_ensure_domain = services._ensure_domain

    def fail_for_broken(tenant: Tenant) -> None:
        if tenant.slug == "broken":
            raise TimeoutError("DNS provider down")
        real_ensure_domain(tenant)

    monkeypatch.setattr(services, "_ensure_domain", fail_for_broken)

    resumed = resume_stalled_provisioning()

    assert resumed == ["gjovik"]
    assert Tenant.objects.get(slug="gjovik").status == TenantStatus.ACTIVE
    assert Tenant.objects.get(slug="broken").status == TenantStatus.PROVISIONING


def test_reprovisioning_a_suspended_tenant_keeps_it_suspended(committed: Callable[[str], str]) -> None:
    tenant = provision_tenant(slug=committed("gjovik"), **SPEC)
    tenant.status = TenantStatus.SUSPENDED
    tenant.save()

    assert provision_tenant(slug="gjovik", **SPEC).status == TenantStatus.SUSPENDED


def test_a_closed_tenant_is_not_provisioned_again(committed: Callable[[str], str]) -> None:
    tenant = provision_tenant(slug=committed("gjovik"), **SPEC)
    tenant.status = TenantStatus.CLOSED
    tenant.save()
    with connection.cursor() as cursor:
        cursor.execute('DROP SCHEMA "gjovik" CASCADE')

    with pytest.raises(ValidationError, match="closed"):
        provision_tenant(slug="gjovik", **SPEC)

    assert not schema_exists("gjovik")
    assert Tenant.objects.get(slug="gjovik").status == TenantStatus.CLOSED


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"slug": "www"}, "slug"),
        ({"slug": "Bad Slug"}, "slug"),
        ({"org_number": "938726028"}, "org_number"),
        ({"org_number": "12345"}, "org_number"),
        ({"country": "SE"}, "org_number"),
        ({"country": "DK"}, "country"),
        ({"kind": "company"}, "kind"),
        ({"language": "de"}, "language"),
        ({"name": ""}, "name"),
    ],
)
def test_bad_input_is_refused_with_field_errors_and_changes_nothing(
    committed: Callable[[str], str], changes: dict[str, str], field: str
) -> None:
    spec = {**SPEC, "slug": committed(changes.get("slug", "gjovik")), **changes}
    tenants_before = Tenant.objects.count()

    with pytest.raises(ValidationError) as raised:
        provision_tenant(**spec)

    assert field in raised.value.message_dict
    assert Tenant.objects.count() == tenants_before
    assert not schema_exists("gjovik")


def test_a_taken_slug_with_other_details_is_refused(committed: Callable[[str], str]) -> None:
    provision_tenant(slug=committed("gjovik"), **SPEC)

    with pytest.raises(ValidationError) as raised:
        provision_tenant(slug="gjovik", **{**SPEC, "name": "Someone Else"})

    assert "slug" in raised.value.message_dict
    assert Tenant.objects.get(slug="gjovik").name == "Gjøvik kommune"


def _provision_command(slug: str, name: str, org_number: str) -> None:
    flags = {"slug": slug, "name": name, "kind": "municipality", "country": "NO", "language": "nb"}
    args = [part for key, value in flags.items() for part in (f"--{key}", value)]
    call_command("provision_tenant", *args, "--org-number", org_number, verbosity=0)


def test_management_command_provisions_and_resumes(committed: Callable[[str], str]) -> None:
    _provision_command(committed("gjovik"), "Gjøvik kommune", "938726027")
    assert Tenant.objects.get(slug="gjovik").status == TenantStatus.ACTIVE

    call_command("provision_tenant", "--slug", "gjovik", verbosity=0)

    with pytest.raises(CommandError, match="org_number"):
        _provision_command(committed("hamar"), "Hamar", "123456789")
    with pytest.raises(CommandError, match="needs --name"):
        call_command("provision_tenant", "--slug", "hamar", verbosity=0)
    assert not Tenant.objects.filter(slug="hamar").exists()


def test_concurrent_runs_for_the_same_tenant_provision_it_once(committed: Callable[[str], str]) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connections

    def run() -> int:
        try:
            return provision_tenant(slug="gjovik", **SPEC).pk
        finally:
            connections.close_all()

    committed("gjovik")
    with ThreadPoolExecutor(max_workers=3) as pool:
        ids = list(pool.map(lambda _: run(), range(3)))

    assert len(set(ids)) == 1
    assert Tenant.objects.get(slug="gjovik").status == TenantStatus.ACTIVE
    assert Domain.objects.filter(tenant_id=ids[0]).count() == 1
    assert "accounts_user" in _tables("gjovik")
