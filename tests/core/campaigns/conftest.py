"""Fixtures for the campaign tests: a group, its leader, an admin and a campaign, in Melhus' schema."""

import pytest

from core.accounts.models import User
from core.campaigns.models import Campaign
from core.campaigns.services import do_create_campaign
from core.groups.models import Group, Role
from tenants.models import Tenant
from tests.factories import UserFactory, make_group, make_member


@pytest.fixture
def admin(in_melhus: Tenant) -> User:
    return UserFactory.create(name="Kari Nordmann", is_tenant_admin=True)


@pytest.fixture
def group(in_melhus: Tenant) -> Group:
    return make_group("Frivilligsentralen", description="Vi hjelper hverandre", area="Melhus sentrum")


@pytest.fixture
def leader(group: Group) -> User:
    return make_member(group, role=Role.LEADER).user


@pytest.fixture
def campaign(group: Group, leader: User) -> Campaign:
    return do_create_campaign(actor=leader, group=group, name="Vårdugnad 2026")
