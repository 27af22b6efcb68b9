"""The page an invitation link opens: it shows the invitation, needs a login, and works once."""

import pytest
from django.test import Client

from core.accounts.models import User
from core.groups.models import Group, InvitationRole, Membership, MembershipStatus, Role
from core.groups.services import do_invite
from tenants.models import Tenant
from tests.conftest import host_client, in_schema

pytestmark = pytest.mark.django_db


def _logged_in(tenant: Tenant, user: User) -> Client:
    client = host_client(tenant)
    with in_schema(tenant.schema_name):
        client.force_login(user)
    return client


def test_invitation_link_shows_the_group_and_role_then_accepting_grants_them_once(
    melhus: Tenant, admin: User, group: Group, person: User
) -> None:
    # Given a staff invitation to the group
    _invitation, token = do_invite(actor=admin, role=InvitationRole.STAFF, group=group, phone="+4791234567")
    client = _logged_in(melhus, person)

    # When the invited person opens the link and accepts
    page = client.get(f"/invite/{token}")
    accepted = client.post(f"/invite/{token}")

    # Then they saw what they were invited to, and now hold the role in the group
    assert page.status_code == 200
    assert group.name in page.content.decode()
    assert accepted.status_code == 302
    with in_schema(melhus.schema_name):
        membership = Membership.objects.get(user=person, group=group)
    assert (membership.role, membership.status) == (Role.STAFF, MembershipStatus.APPROVED)
    # ...and the link is spent
    assert client.get(f"/invite/{token}").status_code == 404
    assert client.post(f"/invite/{token}").status_code == 404


def test_invitation_link_asks_a_visitor_to_log_in_first(melhus: Tenant, admin: User, group: Group) -> None:
    _invitation, token = do_invite(actor=admin, role=InvitationRole.STAFF, group=group, phone="+4791234567")

    response = host_client(melhus).get(f"/invite/{token}")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_unknown_token_and_other_tenants_token_get_the_same_404(
    melhus: Tenant, red_cross: Tenant, admin: User, group: Group, person: User
) -> None:
    # Given a valid Melhus invitation
    _invitation, token = do_invite(actor=admin, role=InvitationRole.STAFF, group=group, phone="+4791234567")
    with in_schema(red_cross.schema_name):
        stranger = User.objects.create_user("+4798888888", "Red Cross member")

    # When it is opened on Red Cross' host, or a made-up token on Melhus'
    other_host = _logged_in(red_cross, stranger).get(f"/invite/{token}")
    made_up = _logged_in(melhus, person).get("/invite/not-a-real-token")

    # Then both say the same thing, and nothing about the group
    assert other_host.status_code == made_up.status_code == 404
    assert group.name not in other_host.content.decode()
    with in_schema(melhus.schema_name):
        assert not Membership.objects.filter(user=person).exists()
