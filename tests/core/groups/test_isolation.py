"""A person of the other tenant (Red Cross) can neither see nor change Melhus' groups, whatever they try."""

from typing import Any

import pytest
from django.test import Client

from core.accounts.models import User
from core.groups.models import Category, Channel, Group, Invitation, InvitationRole, Membership, MembershipStatus, Role
from core.groups.services import do_invite
from tenants.models import Tenant
from tests.conftest import host_client, in_schema
from tests.core.groups.conftest import api_client
from tests.factories import UserFactory, make_group, make_member

pytestmark = pytest.mark.django_db

V1 = "/api/v1"


def _melhus_rows(melhus: Tenant) -> dict[str, Any]:
    with in_schema(melhus.schema_name):
        admin = UserFactory.create(is_tenant_admin=True)
        group = make_group("Melhus leksehjelp", welcome_text="Hemmelig velkomst")
        make_member(group, role=Role.LEADER)
        applicant = make_member(group, status=MembershipStatus.APPLIED)
        channel = Channel.objects.create(name="Melhus kanal")
        channel.publishing_groups.add(group)
        channel.answering_groups.add(group)
        category = Category.objects.create(key="melhus-escort", name="Melhus følge")
        invitation, token = do_invite(actor=admin, role=InvitationRole.MEMBER, group=group, phone="+4791234568")
        snapshot = _snapshot()
    return {
        "admin": admin,
        "group": group,
        "membership": applicant,
        "channel": channel,
        "category": category,
        "invitation": invitation,
        "token": token,
        "snapshot": snapshot,
    }


def _snapshot() -> list[Any]:
    return [
        sorted(map(repr, model.objects.values_list()))
        for model in (Group, Membership, Channel, Category, Invitation, User)
    ]


def _attempts(rows: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    group, membership, channel = rows["group"].pk, rows["membership"].pk, rows["channel"].pk
    category, invitation = rows["category"].pk, rows["invitation"].pk
    return [
        ("get", "/groups/", {}),
        ("get", f"/groups/{group}/", {}),
        ("get", f"/groups/{group}/members/", {}),
        ("get", f"/groups/{group}/applicants/", {}),
        ("post", f"/groups/{group}/apply/", {}),
        ("post", f"/groups/{group}/update/", {"welcome_text": "pwned"}),
        ("post", f"/groups/{group}/archive/", {}),
        ("post", f"/memberships/{membership}/approve/", {}),
        ("post", f"/memberships/{membership}/reject/", {}),
        ("post", f"/memberships/{membership}/withdraw/", {}),
        ("post", f"/memberships/{membership}/role/", {"role": "leader"}),
        ("post", f"/memberships/{membership}/notes/", {"notes": "pwned"}),
        ("get", "/categories/", {}),
        ("post", f"/categories/{category}/update/", {"name": "pwned"}),
        ("post", f"/categories/{category}/delete/", {}),
        ("get", "/channels/", {}),
        ("get", f"/channels/{channel}/", {}),
        ("post", f"/channels/{channel}/update/", {"name": "pwned"}),
        ("post", f"/channels/{channel}/archive/", {}),
        (
            "post",
            "/channels/create/",
            {"name": "x", "publishing_groups": [str(group)], "answering_groups": [str(group)]},
        ),
        ("post", "/invitations/create/", {"role": "member", "group": str(group), "phone": "+4791234500"}),
        ("get", "/invitations/", {}),
        ("post", f"/invitations/{invitation}/revoke/", {}),
        ("post", "/invitations/accept/", {"token": rows["token"]}),
        ("get", "/tenant-admins/", {}),
        ("post", "/tenant-admins/set/", {"user": str(rows["admin"].pk), "is_admin": False}),
    ]


def _call(client: Client, method: str, path: str, data: dict[str, Any]) -> Any:
    if method == "get":
        return client.get(f"{V1}{path}")
    return client.post(f"{V1}{path}", data, content_type="application/json")


def test_red_cross_admin_on_their_own_host_gets_nothing_of_melhus(melhus: Tenant, red_cross: Tenant) -> None:
    # Given Melhus' groups, memberships, channels and invitations, and a Red Cross admin with a valid token
    rows = _melhus_rows(melhus)
    with in_schema(red_cross.schema_name):
        red_admin = UserFactory.create(is_tenant_admin=True)
        make_group("Røde Kors besøkstjeneste")
    client = api_client(red_cross, red_admin)
    secrets = ["Melhus leksehjelp", "Hemmelig velkomst", "Melhus kanal", "Melhus følge", str(rows["group"].pk)]

    # When they try every groups endpoint with Melhus' ids on the Red Cross host
    for method, path, data in _attempts(rows):
        response = _call(client, method, path, data)

        # Then Melhus' rows are not found (or the input names an unknown id) and nothing leaks
        assert response.status_code in {200, 201, 400, 404}, f"{method} {path}: {response.status_code}"
        body = response.content.decode()
        assert not [s for s in secrets if s in body], f"{method} {path} leaked Melhus data"
        if method == "post" and response.status_code in {200, 201}:
            assert path in {"/invitations/accept/"} or "pwned" not in body

    # And Melhus' rows are unchanged
    with in_schema(melhus.schema_name):
        assert _snapshot() == rows["snapshot"]


def test_red_cross_token_on_the_melhus_host_is_not_accepted(melhus: Tenant, red_cross: Tenant) -> None:
    rows = _melhus_rows(melhus)
    with in_schema(red_cross.schema_name):
        red_admin = UserFactory.create(is_tenant_admin=True)
    red_token_client = api_client(red_cross, red_admin)
    # The same token, presented to Melhus' host: it exists only in Red Cross' schema.
    on_melhus = host_client(melhus, HTTP_AUTHORIZATION=red_token_client.defaults["HTTP_AUTHORIZATION"])

    for method, path, data in _attempts(rows):
        response = _call(on_melhus, method, path, data)
        assert response.status_code == 401, f"{method} {path}: {response.status_code}"

    with in_schema(melhus.schema_name):
        assert _snapshot() == rows["snapshot"]


def test_melhus_invitation_token_does_not_work_on_the_red_cross_host(melhus: Tenant, red_cross: Tenant) -> None:
    rows = _melhus_rows(melhus)
    with in_schema(red_cross.schema_name):
        red_member = UserFactory.create()
    client = api_client(red_cross, red_member)

    response = _call(client, "post", "/invitations/accept/", {"token": rows["token"]})

    assert response.status_code == 400
    with in_schema(melhus.schema_name):
        assert Invitation.objects.get(pk=rows["invitation"].pk).accepted_at is None
