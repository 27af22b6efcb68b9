"""What admins and leaders look after: managed groups, the applicant queue, memberships, people, client groups."""

from typing import Any

import pytest
from pytest_django import DjangoAssertNumQueries

from core.accounts.models import User
from core.clients.selectors import groups_keeping_clients_for
from core.groups.models import Group, Membership, MembershipStatus, Purpose, Role
from core.groups.selectors import (
    applicants_managed_by,
    get_managed_group,
    get_managed_membership,
    get_managed_person,
    groups_managed_by,
    memberships_managed_by,
    memberships_of_person_for,
)
from core.qualification.models import Requirement, RequirementKind
from core.qualification.selectors import requirements_for_groups
from tenants.models import Tenant
from tests.core.requests.conftest import Scene, build_scene
from tests.factories import UserFactory, make_group, make_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(in_melhus: Tenant) -> Scene:
    return build_scene()


def _applicant(group: Group, name: str) -> Membership:
    return make_member(group, UserFactory.create(name=name), status=MembershipStatus.APPLIED)


def test_admins_manage_every_group_and_leaders_the_ones_they_lead(
    scene: Scene, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    _applicant(scene.volunteers, "Anna")
    archived = make_group("Gammel")
    archived.archived_at = archived.created_at
    archived.save(update_fields=["archived_at"])
    make_member(archived, scene.leader, role=Role.LEADER)

    with django_assert_max_num_queries(1):
        everything = {group.name: group for group in groups_managed_by(scene.admin)}
    led = list(groups_managed_by(scene.leader))

    assert set(everything) == {"Hjemmetjenesten", "Frivillige", "Sjakk", "Gammel"}
    volunteers: Any = everything["Frivillige"]
    assert (volunteers.member_count, volunteers.applicant_count) == (3, 1)
    assert [group.name for group in led] == ["Frivillige"]
    assert list(groups_managed_by(scene.volunteer)) == []
    with pytest.raises(Group.DoesNotExist):
        get_managed_group(user=scene.leader, group_id=scene.home_care.pk)


def test_the_queue_is_oldest_first_and_only_of_managed_groups(scene: Scene) -> None:
    first = _applicant(scene.volunteers, "First")
    _applicant(scene.home_care, "Elsewhere")
    second = _applicant(scene.volunteers, "Second")

    assert list(applicants_managed_by(scene.leader)) == [first, second]
    assert len(applicants_managed_by(scene.admin)) == 3
    assert list(applicants_managed_by(scene.nurse)) == []


def test_memberships_are_filtered_and_searched_by_name_or_phone(scene: Scene) -> None:
    volunteer_phone = User.objects.get(pk=scene.volunteer.pk).phone

    staff = memberships_managed_by(scene.admin, group_id=scene.home_care.pk, role=Role.STAFF)
    by_name = memberships_managed_by(scene.admin, search="VERA")
    by_phone = memberships_managed_by(scene.admin, search=f"{volunteer_phone[-4:-2]} {volunteer_phone[-2:]}")
    leaders_view = memberships_managed_by(scene.leader, search="nurse")

    assert {m.user.name for m in staff} == {"Nina Nurse", "Otto Nurse"}
    assert [m.user_id for m in by_name] == [scene.volunteer.pk]
    assert scene.volunteer.pk in {m.user_id for m in by_phone}
    assert list(leaders_view) == []
    assert memberships_managed_by(scene.admin, status=MembershipStatus.APPLIED).count() == 0


def test_a_leader_reaches_only_people_and_memberships_of_their_groups(scene: Scene) -> None:
    nurse_membership = Membership.objects.get(user=scene.nurse, group=scene.home_care)

    assert get_managed_person(viewer=scene.leader, user_id=scene.volunteer.pk) == scene.volunteer
    assert get_managed_person(viewer=scene.admin, user_id=scene.nurse.pk) == scene.nurse
    with pytest.raises(User.DoesNotExist):
        get_managed_person(viewer=scene.leader, user_id=scene.nurse.pk)
    with pytest.raises(Membership.DoesNotExist):
        get_managed_membership(viewer=scene.leader, membership_id=nurse_membership.pk)
    # someone in both groups: the leader sees only the membership of their own group
    make_member(scene.volunteers, scene.nurse)
    assert [m.group.name for m in memberships_of_person_for(viewer=scene.leader, person=scene.nurse)] == ["Frivillige"]
    assert len(memberships_of_person_for(viewer=scene.admin, person=scene.nurse)) == 2


def test_clients_are_kept_in_need_groups_where_one_is_staff_or_leader(scene: Scene) -> None:
    other_need = make_group("Bofellesskap", purpose=Purpose.NEED)

    assert list(groups_keeping_clients_for(scene.nurse)) == [scene.home_care]
    assert list(groups_keeping_clients_for(scene.admin)) == [other_need, scene.home_care]
    assert list(groups_keeping_clients_for(scene.leader)) == []


def test_requirements_of_several_groups_come_by_group_in_one_query(
    scene: Scene, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    Requirement.objects.create(group=scene.volunteers, kind=RequirementKind.ID_VERIFIED)
    Requirement.objects.create(group=scene.home_care, kind=RequirementKind.TRAINING, training_name="Kurs")

    with django_assert_max_num_queries(1):
        rows = [
            (r.group.name, r.label)
            for r in requirements_for_groups(group_ids=[scene.volunteers.pk, scene.home_care.pk])
        ]

    assert rows == [("Frivillige", "ID verified"), ("Hjemmetjenesten", "Training: Kurs")]
