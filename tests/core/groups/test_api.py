"""The groups REST API under /api/v1/: shapes, status codes, field errors and who sees what."""

from typing import Any

import pytest
from django.test import Client
from pytest_django import DjangoAssertNumQueries

from core.accounts.models import User
from core.groups.models import (
    Category,
    Channel,
    Group,
    Invitation,
    InvitationRole,
    JoinPolicy,
    Membership,
    MembershipStatus,
    Purpose,
    Role,
    Visibility,
)
from core.groups.services import do_invite
from core.messaging.models import OutboxMessage
from tenants.models import Tenant
from tests.core.groups.conftest import api_client
from tests.factories import make_group, make_member

pytestmark = pytest.mark.django_db

V1 = "/api/v1"


def _post(client: Client, path: str, data: dict[str, Any] | None = None) -> Any:
    return client.post(f"{V1}{path}", data or {}, content_type="application/json")


def _get(client: Client, path: str) -> Any:
    return client.get(f"{V1}{path}")


# --- Groups ------------------------------------------------------------------------------------


def test_group_list_hides_secret_groups_from_non_members(in_melhus: Tenant, person: User) -> None:
    make_group("Leksehjelp")
    secret = make_group("Krisestab", visibility=Visibility.SECRET)
    member = make_member(secret).user

    outsider_sees = _get(api_client(in_melhus, person), "/groups/").json()["results"]
    member_sees = _get(api_client(in_melhus, member), "/groups/").json()["results"]

    assert [g["name"] for g in outsider_sees] == ["Leksehjelp"]
    assert [g["name"] for g in member_sees] == ["Krisestab", "Leksehjelp"]


def test_secret_group_detail_and_members_are_not_found_for_non_members(in_melhus: Tenant, person: User) -> None:
    secret = make_group("Krisestab", visibility=Visibility.SECRET)
    make_member(secret, role=Role.LEADER)
    client = api_client(in_melhus, person)

    assert _get(client, f"/groups/{secret.pk}/").status_code == 404
    assert _get(client, f"/groups/{secret.pk}/members/").status_code == 404
    assert _get(client, f"/groups/{secret.pk}/applicants/").status_code == 404
    assert _post(client, f"/groups/{secret.pk}/apply/").status_code == 404
    assert not Membership.objects.filter(user=person).exists()


def test_group_detail_shows_the_welcome_text_to_members_only(group: Group, person: User) -> None:
    group.welcome_text = "Vi møtes i biblioteket"
    group.save()
    member = make_member(group).user

    outsider_view = _get(api_client(group_tenant(), person), f"/groups/{group.pk}/").json()
    member_view = _get(api_client(group_tenant(), member), f"/groups/{group.pk}/").json()

    assert outsider_view["welcome_text"] == ""
    assert outsider_view["my_status"] is None
    assert outsider_view["approved_count"] == 1
    assert member_view["welcome_text"] == "Vi møtes i biblioteket"
    assert member_view["my_status"] == "approved"
    assert member_view["my_membership_id"] == str(Membership.objects.get(user=member).pk)


def group_tenant() -> Tenant:
    return Tenant.objects.get(slug="melhus")


def test_group_list_query_count_does_not_grow_with_groups(
    in_melhus: Tenant, admin: User, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    categories = [Category.objects.create(key=f"c{i}", name=f"Kategori {i}") for i in range(3)]
    for index in range(12):
        group = make_group(f"Gruppe {index:02}")
        group.categories.set(categories)
        make_member(group)
    client = api_client(in_melhus, admin)

    with django_assert_max_num_queries(6):
        response = _get(client, "/groups/")

    assert response.status_code == 200
    assert len(response.json()["results"]) == 12
    assert len(response.json()["results"][0]["categories"]) == 3


def test_admin_creates_a_group_and_bad_input_gets_field_messages(in_melhus: Tenant, admin: User) -> None:
    client = api_client(in_melhus, admin)
    category = Category.objects.create(key="escort", name="Følge")

    created = _post(
        client,
        "/groups/create/",
        {"name": "Naboer", "purpose": "open", "join_policy": "open", "categories": [str(category.pk)]},
    )
    duplicate = _post(client, "/groups/create/", {"name": "Naboer", "purpose": "open"})
    bad = _post(client, "/groups/create/", {"name": "", "purpose": "sometimes", "categories": ["nope"]})

    assert created.status_code == 201
    assert created.json()["categories"][0]["key"] == "escort"
    assert duplicate.status_code == 400
    assert "name" in duplicate.json()
    assert bad.status_code == 400
    assert set(bad.json()) == {"name", "purpose", "categories"}
    assert Group.objects.count() == 1
    assert Channel.objects.filter(own_group__name="Naboer").count() == 1


def test_a_member_cannot_create_update_or_archive_groups(group: Group, person: User) -> None:
    client = api_client(group_tenant(), make_member(group).user)

    assert _post(client, "/groups/create/", {"name": "Min", "purpose": "open"}).status_code == 403
    assert _post(client, f"/groups/{group.pk}/update/", {"description": "Hacked"}).status_code == 403
    assert _post(client, f"/groups/{group.pk}/archive/").status_code == 403
    group.refresh_from_db()
    assert group.description == ""
    assert group.archived_at is None


def test_leader_updates_the_welcome_text_through_the_api(group: Group, leader: User) -> None:
    client = api_client(group_tenant(), leader)

    response = _post(client, f"/groups/{group.pk}/update/", {"welcome_text": "Hei!"})
    refused = _post(client, f"/groups/{group.pk}/update/", {"visibility": "secret"})
    invalid = _post(client, f"/groups/{group.pk}/update/", {"visibility": "hidden"})

    assert response.status_code == 200
    assert response.json()["welcome_text"] == "Hei!"
    assert refused.status_code == 403
    assert invalid.status_code == 400
    assert "visibility" in invalid.json()


def test_admin_archives_a_group(group: Group, admin: User, person: User) -> None:
    response = _post(api_client(group_tenant(), admin), f"/groups/{group.pk}/archive/")

    assert response.status_code == 200
    assert response.json()["archived_at"] is not None
    assert _get(api_client(group_tenant(), person), f"/groups/{group.pk}/").status_code == 404


# --- Applying and memberships ------------------------------------------------------------------


def test_apply_then_leader_approves_and_member_sees_no_leader_notes(group: Group, leader: User, person: User) -> None:
    member_client, leader_client = api_client(group_tenant(), person), api_client(group_tenant(), leader)

    applied = _post(member_client, f"/groups/{group.pk}/apply/")
    membership_id = applied.json()["id"]
    noted = _post(leader_client, f"/memberships/{membership_id}/notes/", {"notes": "Ringte referanse"})
    approved = _post(leader_client, f"/memberships/{membership_id}/approve/")
    mine = _get(member_client, "/memberships/")
    fellow_view = _get(member_client, f"/groups/{group.pk}/members/")

    assert applied.status_code == 200
    assert applied.json()["status"] == "applied"
    assert "leader_notes" not in applied.json()
    assert noted.json()["leader_notes"] == "Ringte referanse"
    assert approved.status_code == 200
    assert approved.json()["status"] == "approved"
    assert mine.json()["results"][0]["status"] == "approved"
    for response in (applied, mine, fellow_view):
        assert "Ringte referanse" not in response.content.decode()
    assert {m["user"]["name"] for m in fellow_view.json()["results"]} == {leader.name, person.name}
    assert "phone" not in fellow_view.json()["results"][0]["user"]


def test_leaders_see_contact_details_statuses_and_notes_of_members(group: Group, leader: User) -> None:
    applicant = make_member(group, status=MembershipStatus.APPLIED)
    applicant.leader_notes = "Intervju torsdag"
    applicant.save()

    members = _get(api_client(group_tenant(), leader), f"/groups/{group.pk}/members/").json()["results"]
    applicants = _get(api_client(group_tenant(), leader), f"/groups/{group.pk}/applicants/").json()["results"]

    shown = {m["id"]: m for m in members}[str(applicant.pk)]
    assert shown["status"] == "applied"
    assert shown["leader_notes"] == "Intervju torsdag"
    assert shown["user"]["phone"] == applicant.user.phone
    assert [a["id"] for a in applicants] == [str(applicant.pk)]


def test_outsiders_and_applicants_cannot_list_members_or_applicants(group: Group, person: User) -> None:
    applicant = make_member(group, status=MembershipStatus.APPLIED).user
    make_member(group)

    for viewer in (person, applicant):
        client = api_client(group_tenant(), viewer)
        assert _get(client, f"/groups/{group.pk}/members/").status_code == 403
        assert _get(client, f"/groups/{group.pk}/applicants/").status_code == 403


def test_member_list_query_count_does_not_grow_with_members(
    group: Group, leader: User, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    for _index in range(15):
        make_member(group)
    for _index in range(5):
        make_member(group, status=MembershipStatus.APPLIED)
    client = api_client(group_tenant(), leader)

    with django_assert_max_num_queries(7):
        members = _get(client, f"/groups/{group.pk}/members/")
    with django_assert_max_num_queries(7):
        applicants = _get(client, f"/groups/{group.pk}/applicants/")
    with django_assert_max_num_queries(5):
        mine = _get(client, "/memberships/")

    assert len(members.json()["results"]) == 21
    assert len(applicants.json()["results"]) == 5
    assert len(mine.json()["results"]) == 1


def test_a_member_cannot_approve_reject_or_annotate(group: Group, person: User) -> None:
    applicant = make_member(group, status=MembershipStatus.APPLIED)
    client = api_client(group_tenant(), make_member(group).user)

    for action, data in (("approve", {}), ("reject", {}), ("notes", {"notes": "x"}), ("role", {"role": "staff"})):
        assert _post(client, f"/memberships/{applicant.pk}/{action}/", data).status_code in {403, 404}

    applicant.refresh_from_db()
    assert (applicant.status, applicant.leader_notes, applicant.role) == ("applied", "", "member")


def test_applying_to_an_invitation_only_group_is_a_field_error(in_melhus: Tenant, person: User) -> None:
    group = make_group("Hjemmetjenesten", join_policy=JoinPolicy.INVITATION)

    response = _post(api_client(in_melhus, person), f"/groups/{group.pk}/apply/")

    assert response.status_code == 400
    assert "group" in response.json()
    assert not Membership.objects.exists()


def test_leader_rejects_removes_and_sets_roles(group: Group, leader: User) -> None:
    client = api_client(group_tenant(), leader)
    applicant = make_member(group, status=MembershipStatus.APPLIED)
    member = make_member(group)

    rejected = _post(client, f"/memberships/{applicant.pk}/reject/", {"notes": "For ung"})
    staffed = _post(client, f"/memberships/{member.pk}/role/", {"role": "staff"})
    bad_role = _post(client, f"/memberships/{member.pk}/role/", {"role": "boss"})
    leader_role = _post(client, f"/memberships/{member.pk}/role/", {"role": "leader"})
    removed = _post(client, f"/memberships/{member.pk}/withdraw/")

    assert rejected.json()["status"] == "rejected"
    assert staffed.json()["role"] == "staff"
    assert bad_role.status_code == 400
    assert "role" in bad_role.json()
    assert leader_role.status_code == 403
    assert removed.json()["status"] == "withdrawn"


def test_member_withdraws_their_own_membership(group: Group) -> None:
    membership = make_member(group)

    response = _post(api_client(group_tenant(), membership.user), f"/memberships/{membership.pk}/withdraw/")

    assert response.status_code == 200
    assert response.json()["status"] == "withdrawn"


def test_someone_elses_membership_is_not_found(group: Group, person: User) -> None:
    membership = make_member(group)

    response = _post(api_client(group_tenant(), person), f"/memberships/{membership.pk}/withdraw/")

    assert response.status_code == 404
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.APPROVED


# --- Categories --------------------------------------------------------------------------------


def test_categories_are_listed_for_everyone_and_managed_by_admins(in_melhus: Tenant, admin: User, person: User) -> None:
    admin_client, member_client = api_client(in_melhus, admin), api_client(in_melhus, person)

    created = _post(admin_client, "/categories/create/", {"key": "snow", "name": "Snømåking"})
    bad = _post(admin_client, "/categories/create/", {"key": "not a slug", "name": ""})
    refused = _post(member_client, "/categories/create/", {"key": "x", "name": "X"})
    category_id = created.json()["id"]
    renamed = _post(admin_client, f"/categories/{category_id}/update/", {"name": "Snø"})
    listed = _get(member_client, "/categories/")
    deleted = _post(admin_client, f"/categories/{category_id}/delete/")

    assert created.status_code == 201
    assert bad.status_code == 400
    assert set(bad.json()) == {"key", "name"}
    assert refused.status_code == 403
    assert renamed.json()["name"] == "Snø"
    assert [c["name"] for c in listed.json()["results"]] == ["Snø"]
    assert deleted.status_code == 204
    assert not Category.objects.exists()


def test_category_list_query_count(
    in_melhus: Tenant, person: User, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    for index in range(10):
        Category.objects.create(key=f"k{index}", name=f"K {index}", position=index)

    client = api_client(in_melhus, person)

    with django_assert_max_num_queries(5):
        response = _get(client, "/categories/")

    assert len(response.json()["results"]) == 10


# --- Channels ----------------------------------------------------------------------------------


def test_admin_creates_updates_and_archives_a_channel(in_melhus: Tenant, admin: User) -> None:
    need, resource = make_group("Hjemmetjenesten", purpose=Purpose.NEED), make_group("Frivilligsentralen")
    client = api_client(in_melhus, admin)

    created = _post(
        client,
        "/channels/create/",
        {"name": "Hjem → frivillige", "publishing_groups": [str(need.pk)], "answering_groups": [str(resource.pk)]},
    )
    channel_id = created.json()["id"]
    updated = _post(client, f"/channels/{channel_id}/update/", {"name": "Hjemmetjenesten → frivillige"})
    detail = _get(client, f"/channels/{channel_id}/")
    archived = _post(client, f"/channels/{channel_id}/archive/")

    assert created.status_code == 201
    assert created.json()["publishing_groups"] == [{"id": str(need.pk), "name": "Hjemmetjenesten"}]
    assert updated.json()["name"] == "Hjemmetjenesten → frivillige"
    assert detail.json()["answering_groups"][0]["name"] == "Frivilligsentralen"
    assert archived.json()["archived_at"] is not None


def test_channel_with_unknown_or_missing_groups_is_a_field_error(in_melhus: Tenant, admin: User) -> None:
    response = _post(
        api_client(in_melhus, admin),
        "/channels/create/",
        {"name": "Kanal", "publishing_groups": [], "answering_groups": ["6f1d1d4e-0000-4000-8000-000000000000"]},
    )

    assert response.status_code == 400
    assert set(response.json()) == {"publishing_groups", "answering_groups"}
    assert not Channel.objects.exists()


def test_members_see_only_channels_they_post_in_or_answer(in_melhus: Tenant, admin: User) -> None:
    need, resource, other = make_group("Hjem", purpose=Purpose.NEED), make_group("Frivillige"), make_group("Annen")
    mine = Channel.objects.create(name="Min kanal")
    mine.publishing_groups.add(need)
    mine.answering_groups.add(resource)
    theirs = Channel.objects.create(name="Annen kanal")
    theirs.publishing_groups.add(other)
    theirs.answering_groups.add(other)
    volunteer = make_member(resource).user
    client = api_client(in_melhus, volunteer)

    listed = _get(client, "/channels/").json()["results"]

    assert [c["name"] for c in listed] == ["Min kanal"]
    assert _get(client, f"/channels/{theirs.pk}/").status_code == 404
    assert _post(client, "/channels/create/", {"name": "X"}).status_code == 403


def test_channel_list_query_count(
    in_melhus: Tenant, admin: User, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    groups = [make_group(f"G{index}") for index in range(4)]
    for index in range(10):
        channel = Channel.objects.create(name=f"Kanal {index:02}")
        channel.publishing_groups.set(groups[:2])
        channel.answering_groups.set(groups[2:])

    client = api_client(in_melhus, admin)

    with django_assert_max_num_queries(7):
        response = _get(client, "/channels/")

    assert len(response.json()["results"]) == 10


# --- Invitations -------------------------------------------------------------------------------


def test_admin_sends_an_invitation_and_the_link_never_comes_back_in_the_response(group: Group, admin: User) -> None:
    response = _post(
        api_client(group_tenant(), admin),
        "/invitations/create/",
        {"role": "leader", "group": str(group.pk), "phone": "+4791234568"},
    )

    assert response.status_code == 201
    assert response.json()["state"] == "pending"
    message = OutboxMessage.objects.get(kind="invitation")
    token = message.body.split("/invite/")[1].split()[0]
    assert token not in response.content.decode()


def test_invitation_input_errors_are_field_messages(group: Group, admin: User) -> None:
    client = api_client(group_tenant(), admin)

    no_address = _post(client, "/invitations/create/", {"role": "staff", "group": str(group.pk)})
    bad_role = _post(client, "/invitations/create/", {"role": "boss", "phone": "+4791234568"})

    assert no_address.status_code == 400
    assert "phone" in no_address.json()
    assert bad_role.status_code == 400
    assert "role" in bad_role.json()
    assert not Invitation.objects.exists()


def test_accepting_by_the_api_takes_the_token_in_the_body(group: Group, admin: User, person: User) -> None:
    _invitation, token = do_invite(actor=admin, role=InvitationRole.STAFF, group=group, phone=person.phone)
    client = api_client(group_tenant(), person)

    accepted = _post(client, "/invitations/accept/", {"token": token})
    again = _post(client, "/invitations/accept/", {"token": token})
    wrong = _post(client, "/invitations/accept/", {"token": "guess"})

    assert accepted.status_code == 200
    assert accepted.json()["membership"]["role"] == "staff"
    assert accepted.json()["membership"]["status"] == "approved"
    assert accepted.json()["is_tenant_admin"] is False
    assert again.status_code == 400
    assert wrong.status_code == 400
    assert again.json() == wrong.json()
    assert list(wrong.json()) == ["token"]


def test_leader_lists_and_revokes_their_groups_member_invitations(group: Group, admin: User, leader: User) -> None:
    staff_invitation, _token = do_invite(actor=admin, role=InvitationRole.STAFF, group=group, phone="+4791234568")
    member_invitation, _token = do_invite(actor=leader, role=InvitationRole.MEMBER, group=group, phone="+4791234569")
    client = api_client(group_tenant(), leader)

    listed = _get(client, "/invitations/").json()["results"]
    hidden = _post(client, f"/invitations/{staff_invitation.pk}/revoke/")
    revoked = _post(client, f"/invitations/{member_invitation.pk}/revoke/")

    assert [i["id"] for i in listed] == [str(member_invitation.pk)]
    assert hidden.status_code == 404
    assert revoked.json()["state"] == "revoked"


def test_invitation_list_query_count(
    group: Group, admin: User, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    for index in range(10):
        do_invite(actor=admin, role=InvitationRole.MEMBER, group=group, phone=f"+47912345{index:02}")

    client = api_client(group_tenant(), admin)

    with django_assert_max_num_queries(5):
        response = _get(client, "/invitations/")

    assert len(response.json()["results"]) == 10


# --- Tenant admins -----------------------------------------------------------------------------


def test_admins_list_and_set_admins_and_the_last_one_stays(
    in_melhus: Tenant, admin: User, person: User, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    client = api_client(in_melhus, admin)

    last = _post(client, "/tenant-admins/set/", {"user": str(admin.pk), "is_admin": False})
    made = _post(client, "/tenant-admins/set/", {"user": str(person.pk), "is_admin": True})
    unknown = _post(client, "/tenant-admins/set/", {"user": "6f1d1d4e-0000-4000-8000-000000000000", "is_admin": True})
    with django_assert_max_num_queries(3):
        listed = _get(client, "/tenant-admins/")

    assert last.status_code == 400
    assert "is_admin" in last.json()
    assert made.status_code == 200
    assert unknown.status_code == 400
    assert "user" in unknown.json()
    assert {a["id"] for a in listed.json()["results"]} == {str(admin.pk), str(person.pk)}


def test_a_member_cannot_list_or_set_admins(in_melhus: Tenant, person: User) -> None:
    client = api_client(in_melhus, person)

    assert _get(client, "/tenant-admins/").status_code == 403
    assert _post(client, "/tenant-admins/set/", {"user": str(person.pk), "is_admin": True}).status_code == 403
    person.refresh_from_db()
    assert not person.is_tenant_admin


def test_anonymous_requests_are_refused(group: Group) -> None:
    from tests.conftest import host_client

    client = host_client(group_tenant())

    assert _get(client, "/groups/").status_code in {401, 403}
    assert _post(client, f"/groups/{group.pk}/apply/").status_code in {401, 403}
    assert _post(client, "/invitations/accept/", {"token": "x"}).status_code in {401, 403}


def test_openapi_schema_documents_the_group_endpoints(in_melhus: Tenant) -> None:
    from tests.conftest import host_client

    schema = host_client(in_melhus).get("/api/schema/").content.decode()

    for path in (
        "/api/v1/groups/",
        "/api/v1/invitations/accept/",
        "/api/v1/channels/create/",
        "/api/v1/tenant-admins/",
    ):
        assert path in schema
