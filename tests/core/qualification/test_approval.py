"""A member is approved only when every requirement of the group is met."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from core.accounts.models import User
from core.groups.models import Group, JoinPolicy, Membership, MembershipStatus
from core.groups.services import do_apply, do_approve_membership
from core.qualification.models import Declaration, IdMethod, RequirementKind
from core.qualification.selectors import (
    RequirementState,
    is_currently_qualified,
    requirement_checklist,
    unmet_requirements,
)
from core.qualification.services import (
    do_add_requirement,
    do_confirm_custom,
    do_record_police_certificate,
    do_record_training,
    do_set_birth_date,
    do_sign_declaration,
    do_verify_id,
)
from tests.core.qualification.conftest import TODAY, police_requirement
from tests.factories import UserFactory, make_group

pytestmark = pytest.mark.django_db


def test_approval_is_impossible_while_a_requirement_is_unmet(
    group: Group, leader: User, applicant: Membership, declaration: Declaration
) -> None:
    # Given a group that requires a signed declaration, a police certificate, training, ID, age and a talk.
    requirements = {
        "declaration": do_add_requirement(
            actor=leader, group=group, kind=RequirementKind.DECLARATION, declaration=declaration
        ),
        "police": police_requirement(group, leader),
        "training": do_add_requirement(
            actor=leader, group=group, kind=RequirementKind.TRAINING, training_name="Førstehjelp"
        ),
        "id": do_add_requirement(actor=leader, group=group, kind=RequirementKind.ID_VERIFIED),
        "age": do_add_requirement(actor=leader, group=group, kind=RequirementKind.MINIMUM_AGE, min_age_years=18),
        "custom": do_add_requirement(actor=leader, group=group, kind=RequirementKind.CUSTOM, title="Samtale"),
    }

    # When a leader tries to approve the applicant, it is refused with every unmet requirement listed.
    with pytest.raises(ValidationError) as refused:
        do_approve_membership(actor=leader, membership=applicant)
    assert refused.value.message_dict["requirements"] == [
        "Signed declaration: Taushetserklæring: not signed",
        "police certificate: not recorded yet",
        "Training: Førstehjelp: not recorded yet",
        "ID verified: not recorded yet",
        "At least 18 years old: date of birth not given",
        "Samtale: not recorded yet",
    ]
    applicant.refresh_from_db()
    assert applicant.status == MembershipStatus.APPLIED

    # Meeting all but one still is not enough.
    person = applicant.user
    version = declaration.versions.get()
    do_sign_declaration(user=person, version=version, full_name="Ola Berg", consent=True, text_sha256=version.sha256)
    do_record_police_certificate(
        actor=leader, membership=applicant, requirement=requirements["police"], shown_on=TODAY, issued_on=TODAY
    )
    do_record_training(actor=leader, membership=applicant, requirement=requirements["training"], completed_on=TODAY)
    do_verify_id(
        actor=leader,
        membership=applicant,
        requirement=requirements["id"],
        method=IdMethod.PASSPORT,
        verified_on=TODAY,
        birth_date=date(2000, 1, 1),
    )
    with pytest.raises(ValidationError) as refused:
        do_approve_membership(actor=leader, membership=applicant)
    assert refused.value.message_dict["requirements"] == ["Samtale: not recorded yet"]

    # Once everything is met the leader approves.
    do_confirm_custom(actor=leader, membership=applicant, requirement=requirements["custom"], confirmed_on=TODAY)
    approved = do_approve_membership(actor=leader, membership=applicant)
    assert approved.status == MembershipStatus.APPROVED
    assert is_currently_qualified(membership=approved)
    assert all(item.met for item in requirement_checklist(membership=approved))


def test_an_open_group_with_requirements_does_not_let_people_in_unchecked(in_melhus: object, admin: User) -> None:
    group = make_group("Naboer", join_policy=JoinPolicy.OPEN)
    do_add_requirement(actor=admin, group=group, kind=RequirementKind.MINIMUM_AGE, min_age_years=16)
    person = UserFactory.create()

    membership = do_apply(user=person, group=group)

    assert membership.status == MembershipStatus.APPLIED


def test_minimum_age_uses_the_birth_date(group: Group, admin: User, applicant: Membership) -> None:
    do_add_requirement(actor=admin, group=group, kind=RequirementKind.MINIMUM_AGE, min_age_years=18)
    person = applicant.user

    # Seventeen years old until the day before the eighteenth birthday.
    do_set_birth_date(actor=person, user=person, birth_date=date(2008, 3, 11), today=TODAY)
    assert unmet_requirements(membership=applicant, today=TODAY) == ["At least 18 years old: younger than 18"]

    do_set_birth_date(actor=person, user=person, birth_date=date(2008, 3, 10), today=TODAY)
    assert unmet_requirements(membership=applicant, today=TODAY) == []


def test_birth_date_must_be_real_and_is_set_by_the_person_or_their_leaders(
    group: Group, leader: User, applicant: Membership
) -> None:
    person = applicant.user
    stranger = UserFactory.create()

    with pytest.raises(ValidationError):
        do_set_birth_date(actor=person, user=person, birth_date=TODAY + timedelta(days=1), today=TODAY)
    with pytest.raises(ValidationError):
        do_set_birth_date(actor=person, user=person, birth_date=date(1850, 1, 1), today=TODAY)
    with pytest.raises(PermissionDenied):
        do_set_birth_date(actor=stranger, user=person, birth_date=date(2000, 1, 1))

    do_set_birth_date(actor=leader, user=person, birth_date=date(2000, 1, 1))
    person.refresh_from_db()
    assert person.birth_date == date(2000, 1, 1)


def test_an_expired_check_makes_an_approved_member_unqualified(
    group: Group, leader: User, applicant: Membership
) -> None:
    today = timezone.localdate()
    requirement = do_add_requirement(
        actor=leader, group=group, kind=RequirementKind.TRAINING, training_name="Førstehjelp", validity_months=12
    )
    record = do_record_training(
        actor=leader, membership=applicant, requirement=requirement, completed_on=today - timedelta(days=30)
    )
    member = do_approve_membership(actor=leader, membership=applicant)

    assert is_currently_qualified(membership=member)
    assert record.expires_on is not None
    assert not is_currently_qualified(membership=member, today=record.expires_on)
    [item] = requirement_checklist(membership=member, today=record.expires_on)
    assert item.state == RequirementState.EXPIRED


def test_a_group_without_requirements_has_nothing_unmet(group: Group, applicant: Membership) -> None:
    assert unmet_requirements(membership=applicant) == []
    assert not is_currently_qualified(membership=applicant)  # not approved yet


def test_only_leaders_and_admins_approve_even_when_everything_is_met(group: Group, applicant: Membership) -> None:
    member = UserFactory.create()
    Membership.objects.create(group=group, user=member, status=MembershipStatus.APPROVED)

    with pytest.raises(PermissionDenied):
        do_approve_membership(actor=member, membership=applicant)
