"""Fixtures for the client tests: a need group with staff, a leader, an admin, outsiders, in Melhus' schema."""

from datetime import date

import pytest

from core.accounts.models import User
from core.clients.models import Client, ConsentMethod
from core.clients.services import do_create_client
from core.groups.models import Group, Purpose, Role
from tenants.models import Tenant
from tests.factories import UserFactory, make_group, make_member


@pytest.fixture
def home_care(in_melhus: Tenant) -> Group:
    return make_group("Hjemmetjenesten", purpose=Purpose.NEED)


@pytest.fixture
def staff(home_care: Group) -> User:
    return make_member(home_care, UserFactory.create(name="Sykepleier Siri"), role=Role.STAFF).user


@pytest.fixture
def leader(home_care: Group) -> User:
    return make_member(home_care, role=Role.LEADER).user


@pytest.fixture
def admin(in_melhus: Tenant) -> User:
    return UserFactory.create(is_tenant_admin=True)


@pytest.fixture
def client_record(home_care: Group, staff: User) -> Client:
    return do_create_client(
        actor=staff,
        group=home_care,
        name="Astrid Haugen",
        phone="+4791234567",
        address="Gimsøyvegen 3, 7224 Melhus",
        notes="Hører dårlig; ring på døra to ganger.",
        consent_method=ConsentMethod.VERBAL,
        consent_date=date(2026, 1, 15),
    )
