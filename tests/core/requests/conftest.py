"""A home-care need group whose nurse posts for a client into a channel the volunteers answer."""

from dataclasses import dataclass

import pytest

from core.accounts.models import User
from core.clients.models import Client
from core.groups.models import Channel, Group, Purpose, Role
from tenants.models import Tenant
from tests.factories import UserFactory, make_group, make_member


@dataclass
class Scene:
    home_care: Group
    volunteers: Group
    channel: Channel
    nurse: User
    other_nurse: User
    client: Client
    volunteer: User
    second_volunteer: User
    leader: User
    admin: User
    outsider: User


def build_scene() -> Scene:
    """Call inside a tenant schema."""
    home_care = make_group("Hjemmetjenesten", purpose=Purpose.NEED)
    volunteers = make_group("Frivillige")
    channel = Channel.objects.create(name="Hjelp i hverdagen")
    channel.publishing_groups.add(home_care)
    channel.answering_groups.add(volunteers)
    nurse = make_member(home_care, UserFactory.create(name="Nina Nurse", language="en"), role=Role.STAFF).user
    other_nurse = make_member(home_care, UserFactory.create(name="Otto Nurse", language="en"), role=Role.STAFF).user
    client = Client.objects.create(
        group=home_care,
        name="Kari Klient",
        phone="+4791111111",
        address="Storgata 1, 7224 Melhus",
        consent_method="written",
        consent_date="2026-01-01",
        created_by=nurse,
    )
    volunteer = make_member(volunteers, UserFactory.create(name="Vera Volunteer", language="en")).user
    second_volunteer = make_member(volunteers, UserFactory.create(name="Sven Second", language="en")).user
    leader = make_member(volunteers, UserFactory.create(name="Lea Leader", language="en"), role=Role.LEADER).user
    admin = UserFactory.create(name="Ada Admin", is_tenant_admin=True, language="en")
    outsider = make_member(make_group("Sjakk"), UserFactory.create(name="Olav Outsider", language="en")).user
    return Scene(
        home_care=home_care,
        volunteers=volunteers,
        channel=channel,
        nurse=nurse,
        other_nurse=other_nurse,
        client=client,
        volunteer=volunteer,
        second_volunteer=second_volunteer,
        leader=leader,
        admin=admin,
        outsider=outsider,
    )


@pytest.fixture
def scene(in_melhus: Tenant) -> Scene:
    return build_scene()
