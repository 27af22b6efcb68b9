"""Groups, categories and channels: who creates and changes them, and who sees what."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.accounts.models import User
from core.audit.models import AuditEvent
from core.groups.models import Category, Channel, Group, JoinPolicy, MembershipStatus, Purpose, Role, Visibility
from core.groups.selectors import (
    applicants_for,
    can_answer_in,
    can_post_in,
    channels_user_can_answer,
    channels_user_can_post_in,
    channels_visible_to,
    groups_visible_to,
    members_of,
)
from core.groups.services import (
    do_archive_channel,
    do_archive_group,
    do_create_category,
    do_create_channel,
    do_create_group,
    do_delete_category,
    do_update_category,
    do_update_channel,
    do_update_group,
)
from tenants.models import Tenant
from tests.factories import UserFactory, make_group, make_member

pytestmark = pytest.mark.django_db


# --- Groups ------------------------------------------------------------------------------------


def test_admin_creates_a_group_with_every_field(admin: User) -> None:
    escort = do_create_category(actor=admin, key="escort", name="Følge til lege")

    group = do_create_group(
        actor=admin,
        name=" Frivilligsentralen ",
        purpose=Purpose.RESOURCE,
        description="Frivillige i Melhus",
        join_policy=JoinPolicy.APPROVAL,
        visibility=Visibility.PRIVATE,
        welcome_text="Velkommen!",
        categories=[escort],
        area="Melhus sentrum",
    )

    assert group.name == "Frivilligsentralen"
    assert list(group.categories.all()) == [escort]
    assert group.area == "Melhus sentrum"
    assert not Channel.objects.exists()  # only open groups get a channel of their own
    assert AuditEvent.objects.filter(action="group.created", target_id=str(group.pk), actor=admin).exists()


def test_an_open_group_gets_its_own_channel_where_it_publishes_and_answers(admin: User) -> None:
    group = do_create_group(actor=admin, name="Naboer hjelper naboer", purpose=Purpose.OPEN)

    channel = Channel.objects.get(own_group=group)
    assert channel.name == "Naboer hjelper naboer"
    assert list(channel.publishing_groups.all()) == [group]
    assert list(channel.answering_groups.all()) == [group]


def test_a_member_cannot_create_groups(in_melhus: Tenant, person: User) -> None:
    with pytest.raises(PermissionDenied):
        do_create_group(actor=person, name="Min gruppe", purpose=Purpose.OPEN)
    assert not Group.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": "", "purpose": Purpose.OPEN}, "name"),
        ({"name": "Leksehjelp", "purpose": Purpose.OPEN}, "name"),
        ({"name": "Ny", "purpose": "sometimes"}, "purpose"),
        ({"name": "Ny", "purpose": Purpose.NEED, "visibility": "hidden"}, "visibility"),
        ({"name": "Ny", "purpose": Purpose.NEED, "join_policy": "lottery"}, "join_policy"),
    ],
)
def test_bad_group_input_is_a_field_error_and_creates_nothing(
    group: Group, admin: User, fields: dict[str, str], field: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        do_create_group(actor=admin, **fields)  # type: ignore[arg-type]

    assert field in refused.value.message_dict
    assert Group.objects.count() == 1
    assert not Channel.objects.exists()


def test_leader_edits_the_welcome_text_but_not_the_visibility(group: Group, leader: User) -> None:
    do_update_group(actor=leader, group=group, welcome_text="Ta med refleksvest", description="Lekser")

    with pytest.raises(PermissionDenied):
        do_update_group(actor=leader, group=group, visibility=Visibility.SECRET)
    group.refresh_from_db()
    assert group.welcome_text == "Ta med refleksvest"
    assert group.visibility == Visibility.PUBLIC
    event = AuditEvent.objects.get(action="group.updated", target_id=str(group.pk))
    assert event.data == {"fields": ["description", "welcome_text"]}


def test_a_member_cannot_edit_the_group(group: Group) -> None:
    with pytest.raises(PermissionDenied):
        do_update_group(actor=make_member(group).user, group=group, description="Hacked")


def test_turning_a_group_open_gives_it_a_channel_and_back_archives_it(group: Group, admin: User) -> None:
    do_update_group(actor=admin, group=group, purpose=Purpose.OPEN, name="Leksehjelp for alle")
    channel = Channel.objects.get(own_group=group)
    assert channel.name == "Leksehjelp for alle"
    assert channel.archived_at is None

    do_update_group(actor=admin, group=group, purpose=Purpose.RESOURCE)

    channel.refresh_from_db()
    assert channel.archived_at is not None


def test_archiving_a_group_hides_it_and_its_channel(in_melhus: Tenant, admin: User) -> None:
    group = do_create_group(actor=admin, name="Naboer", purpose=Purpose.OPEN)
    member = make_member(group).user

    do_archive_group(actor=admin, group=group)

    assert not groups_visible_to(member).exists()
    assert not channels_user_can_post_in(member).exists()
    assert groups_visible_to(admin).get().archived_at is not None
    with pytest.raises(PermissionDenied):
        do_archive_group(actor=member, group=group)


# --- Seeing groups and members -----------------------------------------------------------------


def test_secret_group_is_invisible_to_non_members(in_melhus: Tenant, admin: User) -> None:
    # Given a secret group with a member and an applicant, and a public group
    secret = make_group("Krisestab", visibility=Visibility.SECRET)
    public = make_group("Leksehjelp")
    member = make_member(secret).user
    applicant = make_member(secret, status=MembershipStatus.APPLIED).user
    former = make_member(secret, status=MembershipStatus.WITHDRAWN).user
    outsider = UserFactory.create()

    # Then only its members, applicants and the admins see it
    assert set(groups_visible_to(outsider)) == {public}
    assert set(groups_visible_to(former)) == {public}
    assert set(groups_visible_to(member)) == {public, secret}
    assert set(groups_visible_to(applicant)) == {public, secret}
    assert set(groups_visible_to(admin)) == {public, secret}
    with pytest.raises(Group.DoesNotExist):
        members_of(secret, outsider)


def test_groups_carry_the_viewers_own_status_and_the_count_of_approved_members(group: Group, person: User) -> None:
    make_member(group)
    make_member(group, status=MembershipStatus.APPLIED)
    make_member(group, person, role=Role.STAFF, status=MembershipStatus.APPROVED)

    seen = groups_visible_to(person).get()

    assert (seen.my_status, seen.my_role, seen.approved_count) == ("approved", "staff", 2)  # type: ignore[attr-defined]


def test_leaders_see_every_status_members_see_approved_members_and_outsiders_nobody(
    group: Group, leader: User, admin: User, person: User
) -> None:
    member = make_member(group)
    applicant = make_member(group, status=MembershipStatus.APPLIED)
    rejected = make_member(group, status=MembershipStatus.REJECTED)

    leader_view = set(members_of(group, leader))
    assert {member, applicant, rejected} <= leader_view
    assert set(members_of(group, admin)) == leader_view
    assert {m.user for m in members_of(group, member.user)} == {leader, member.user}
    with pytest.raises(PermissionDenied):
        members_of(group, applicant.user)
    with pytest.raises(PermissionDenied):
        members_of(group, person)


def test_applicants_are_for_leaders_and_admins(group: Group, leader: User, admin: User) -> None:
    applicant = make_member(group, status=MembershipStatus.APPLIED)
    make_member(group)

    assert list(applicants_for(group, leader)) == [applicant]
    assert list(applicants_for(group, admin)) == [applicant]
    with pytest.raises(PermissionDenied):
        applicants_for(group, applicant.user)


# --- Categories --------------------------------------------------------------------------------


def test_admins_manage_categories(admin: User, person: User) -> None:
    category = do_create_category(actor=admin, key="shopping", name="Handling", position=2)
    do_update_category(actor=admin, category=category, name="Innkjøp", position=1)
    category.refresh_from_db()
    assert (category.name, category.position) == ("Innkjøp", 1)

    with pytest.raises(PermissionDenied):
        do_create_category(actor=person, key="snow", name="Snømåking")
    with pytest.raises(ValidationError) as duplicate:
        do_create_category(actor=admin, key="shopping", name="Igjen")
    assert "key" in duplicate.value.message_dict

    do_delete_category(actor=admin, category=category)
    assert not Category.objects.exists()


# --- Channels ----------------------------------------------------------------------------------


def test_channel_binds_publishing_groups_to_answering_groups(in_melhus: Tenant, admin: User) -> None:
    # Given home care (need) and volunteers (resource) bound by a channel
    home_care = make_group("Hjemmetjenesten", purpose=Purpose.NEED)
    volunteers = make_group("Frivilligsentralen")
    channel = do_create_channel(
        actor=admin, name="Hjemmetjenesten → frivillige", publishing_groups=[home_care], answering_groups=[volunteers]
    )
    nurse = make_member(home_care, role=Role.STAFF).user
    volunteer = make_member(volunteers).user
    applicant = make_member(volunteers, status=MembershipStatus.APPLIED).user

    # Then staff of home care post, approved volunteers answer, applicants do neither
    assert can_post_in(nurse, channel)
    assert not can_answer_in(nurse, channel)
    assert can_answer_in(volunteer, channel)
    assert not can_post_in(volunteer, channel)
    assert not can_answer_in(applicant, channel)
    assert list(channels_user_can_post_in(nurse)) == [channel]
    assert list(channels_user_can_answer(volunteer)) == [channel]
    assert list(channels_visible_to(applicant)) == []
    assert list(channels_visible_to(admin)) == [channel]


def test_an_open_groups_members_post_and_answer_in_its_own_channel(in_melhus: Tenant, admin: User) -> None:
    group = do_create_group(actor=admin, name="Naboer", purpose=Purpose.OPEN, join_policy=JoinPolicy.OPEN)
    neighbour = make_member(group).user
    channel = Channel.objects.get(own_group=group)

    assert can_post_in(neighbour, channel)
    assert can_answer_in(neighbour, channel)


def test_channel_needs_groups_on_both_sides(in_melhus: Tenant, admin: User) -> None:
    group = make_group("Frivilligsentralen")

    with pytest.raises(ValidationError) as refused:
        do_create_channel(actor=admin, name="", publishing_groups=[], answering_groups=[group])

    assert set(refused.value.message_dict) == {"name", "publishing_groups"}
    assert not Channel.objects.exists()


def test_only_admins_manage_channels(group: Group, leader: User, admin: User) -> None:
    with pytest.raises(PermissionDenied):
        do_create_channel(actor=leader, name="Kanal", publishing_groups=[group], answering_groups=[group])
    channel = do_create_channel(actor=admin, name="Kanal", publishing_groups=[group], answering_groups=[group])
    with pytest.raises(PermissionDenied):
        do_update_channel(actor=leader, channel=channel, name="Ny")
    with pytest.raises(PermissionDenied):
        do_archive_channel(actor=leader, channel=channel)


def test_admin_rebinds_and_archives_a_channel(in_melhus: Tenant, admin: User) -> None:
    need, first, second = make_group("Hjem", purpose=Purpose.NEED), make_group("A"), make_group("B")
    channel = do_create_channel(actor=admin, name="Kanal", publishing_groups=[need], answering_groups=[first])
    volunteer = make_member(second).user

    do_update_channel(actor=admin, channel=channel, answering_groups=[first, second], name="Kanal 2")
    assert can_answer_in(volunteer, channel)

    do_archive_channel(actor=admin, channel=channel)
    assert not can_answer_in(volunteer, channel)
    assert [e.action for e in AuditEvent.objects.filter(target_id=str(channel.pk)).order_by("id")] == [
        "channel.created",
        "channel.updated",
        "channel.archived",
    ]
