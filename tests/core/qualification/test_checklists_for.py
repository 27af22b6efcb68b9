"""One person's checklists across groups agree with the per-membership checklist, in a fixed number of queries."""

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest

from core.accounts.models import User
from core.groups.models import Group, MembershipStatus
from core.qualification.models import Declaration, RequirementKind
from core.qualification.selectors import RequirementState, checklists_for, requirement_checklist
from core.qualification.services import do_add_requirement, do_record_training, do_sign_declaration
from tenants.models import Tenant
from tests.core.qualification.conftest import TODAY, police_requirement
from tests.factories import UserFactory, make_group, make_member

pytestmark = pytest.mark.django_db


def _summary(items: list[Any]) -> list[tuple[Any, ...]]:
    return [(item.requirement.pk, item.state, item.done_on, item.expires_on, item.problem) for item in items]


def test_it_agrees_with_each_memberships_checklist(
    in_melhus: Tenant, admin: User, group: Group, declaration: Declaration
) -> None:
    # Given a person in two groups with declarations, training, police certificate and age requirements
    person = UserFactory.create(birth_date=date(2000, 1, 1))
    do_add_requirement(actor=admin, group=group, kind=RequirementKind.DECLARATION, declaration=declaration)
    training = do_add_requirement(
        actor=admin, group=group, kind=RequirementKind.TRAINING, training_name="Førstehjelp", validity_months=12
    )
    police_requirement(group, admin)
    other = make_group("Snømåking")
    do_add_requirement(actor=admin, group=other, kind=RequirementKind.MINIMUM_AGE, min_age_years=18)
    do_add_requirement(actor=admin, group=other, kind=RequirementKind.DECLARATION, declaration=declaration)
    first = make_member(group, person, status=MembershipStatus.APPLIED)
    second = make_member(other, person)
    version = declaration.versions.get()
    do_sign_declaration(user=person, version=version, full_name="P", consent=True, text_sha256=version.sha256)
    do_record_training(
        actor=admin, membership=first, requirement=training, completed_on=TODAY - timedelta(days=3), today=TODAY
    )

    # When both checklists are read at once
    checklists = checklists_for(user=person, group_ids=[group.pk, other.pk], today=TODAY)

    # Then each equals the membership's own checklist
    assert _summary(checklists[group.pk]) == _summary(requirement_checklist(membership=first, today=TODAY))
    assert _summary(checklists[other.pk]) == _summary(requirement_checklist(membership=second, today=TODAY))
    assert [item.state for item in checklists[other.pk]] == [RequirementState.MET, RequirementState.MET]


def test_for_a_group_not_joined_only_the_persons_own_signatures_count(
    in_melhus: Tenant, admin: User, group: Group, declaration: Declaration
) -> None:
    person = UserFactory.create()
    do_add_requirement(actor=admin, group=group, kind=RequirementKind.DECLARATION, declaration=declaration)
    police_requirement(group, admin)
    version = declaration.versions.get()
    do_sign_declaration(user=person, version=version, full_name="P", consent=True, text_sha256=version.sha256)

    items = checklists_for(user=person, group_ids=[group.pk])[group.pk]

    assert [item.state for item in items] == [RequirementState.MET, RequirementState.MISSING]


def test_another_persons_records_never_count(in_melhus: Tenant, admin: User, group: Group, leader: User) -> None:
    training = do_add_requirement(actor=admin, group=group, kind=RequirementKind.TRAINING, training_name="Kurs")
    someone = make_member(group, UserFactory.create())
    do_record_training(actor=leader, membership=someone, requirement=training, completed_on=TODAY, today=TODAY)
    person = UserFactory.create()

    items = checklists_for(user=person, group_ids=[group.pk], today=TODAY)[group.pk]

    assert [item.state for item in items] == [RequirementState.MISSING]


def test_queries_do_not_grow_with_groups(
    in_melhus: Tenant, admin: User, declaration: Declaration, django_assert_max_num_queries: Callable[..., Any]
) -> None:
    person = UserFactory.create()
    groups = [make_group(f"Gruppe {n}") for n in range(8)]
    for group in groups:
        make_member(group, person)
        do_add_requirement(actor=admin, group=group, kind=RequirementKind.DECLARATION, declaration=declaration)
        do_add_requirement(actor=admin, group=group, kind=RequirementKind.TRAINING, training_name="Kurs")
        police_requirement(group, admin)

    with django_assert_max_num_queries(5):
        checklists = checklists_for(user=person, group_ids=[group.pk for group in groups])

    assert all(len(items) == 3 for items in checklists.values())
    assert checklists_for(user=person, group_ids=[]) == {}
