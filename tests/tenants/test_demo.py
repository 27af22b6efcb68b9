"""The demo seed: Melhus and Melhus Røde Kors with documented people, safe to run again."""

from collections.abc import Iterator

import pytest
from django.core.management import call_command
from pytest_django import DjangoDbBlocker

from core.accounts.models import User
from tenants.db import use_public_schema
from tenants.demo import DEMO_STAFF, DEMO_TENANTS
from tenants.models import Tenant, TenantStatus
from tests.conftest import in_schema


@pytest.fixture
def seeded(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[None]:
    # django_db_setup: without it, a run of this file alone would seed the development database.
    with django_db_blocker.unblock():
        yield
        use_public_schema()
        for tenant in Tenant.objects.filter(slug__in=[d.slug for d in DEMO_TENANTS if d.slug != "melhus"]):
            tenant.delete(force_drop=True)
        User.objects.filter(phone=DEMO_STAFF.phone).delete()
        with in_schema("melhus"):  # the standing test tenant keeps only what tests put there
            User.objects.filter(phone__in=[p.phone for p in DEMO_TENANTS[0].people]).delete()


def test_seed_demo_twice_builds_the_documented_demo_once(seeded: None) -> None:
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)

    for demo in DEMO_TENANTS:
        tenant = Tenant.objects.get(slug=demo.slug)
        assert tenant.status == TenantStatus.ACTIVE
        assert tenant.kind == demo.kind
        with in_schema(tenant.schema_name):
            assert sorted(User.objects.values_list("phone", flat=True)) == sorted(p.phone for p in demo.people)
    assert User.objects.filter(phone=DEMO_STAFF.phone, is_staff=True).count() == 1
    # Vendor staff are the only people in the public schema.
    assert not User.objects.filter(is_staff=False).exists()
