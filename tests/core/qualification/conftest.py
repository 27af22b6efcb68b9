"""Fixtures for the qualification tests: a group with a leader and an applicant inside Melhus' schema."""

from datetime import date
from typing import Any

import pytest

from core.accounts.models import User
from core.groups.models import Group, Membership, MembershipStatus, Role
from core.qualification.models import Declaration, Requirement, RequirementKind
from core.qualification.services import do_add_requirement, do_create_declaration
from tenants.models import Tenant
from tests.factories import UserFactory, make_group, make_member

# A fixed "today" for services that take one, far from month ends and leap days.
TODAY = date(2026, 3, 10)
DECLARATION_TEXT = "Jeg lover å bevare taushet om alt jeg får vite om andres personlige forhold.\n"


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
