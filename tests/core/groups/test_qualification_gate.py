"""Memberships and real qualification requirements: approval waits for them, endings forget the checks."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.accounts.models import User
from core.groups.models import Group, InvitationRole, JoinPolicy, MembershipStatus, Role
from core.groups.services import (
    do_accept_invitation,
    do_apply,
    do_approve_membership,
    do_invite,
    do_lapse_membership,
    do_reject_membership,
    do_withdraw_membership,
)
from core.qualification.models import LegalBasis, PoliceCertificateRecord, Requirement, RequirementKind
from core.qualification.services import do_add_requirement, do_record_police_certificate
from tenants.models import Tenant
from tests.factories import UserFactory, make_group, make_member

pytestmark = pytest.mark.django_db


def _minimum_age(group: Group, admin: User, years: int = 18) -> Requirement:
    return do_add_requirement(actor=admin, group=group, kind=RequirementKind.MINIMUM_AGE, min_age_years=years)


def test_open_group_keeps_a_person_who_misses_a_requirement_waiting(in_melhus: Tenant, admin: User) -> None:
    # Given an open group for adults and a person who gave no date of birth
    group = make_group("Naboer", join_policy=JoinPolicy.OPEN)
    _minimum_age(group, admin)
    person = UserFactory.create(birth_date=None)

    # When they join
    membership = do_apply(user=person, group=group)

    # Then they wait for the requirement instead of being approved
    assert membership.status == MembershipStatus.APPLIED


def test_open_group_approves_a_person_who_meets_every_requirement(in_melhus: Tenant, admin: User) -> None:
    group = make_group("Naboer", join_policy=JoinPolicy.OPEN)
    _minimum_age(group, admin)
    adult = UserFactory.create(birth_date=date(1980, 5, 17))

    assert do_apply(user=adult, group=group).status == MembershipStatus.APPROVED


def test_leader_cannot_approve_while_a_requirement_is_unmet(group: Group, leader: User, admin: User) -> None:
    # Given an applicant too young for the group
    _minimum_age(group, admin)
    young = UserFactory.create(birth_date=timezone.localdate() - timedelta(days=365 * 15))
    membership = do_apply(user=young, group=group)

    # When the leader approves
    with pytest.raises(ValidationError) as refused:
        do_approve_membership(actor=leader, membership=membership)

    # Then the error names the requirement and the membership is still an application
    assert list(refused.value.message_dict) == ["requirements"]
    assert "18" in refused.value.message_dict["requirements"][0]
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.APPLIED


def test_invitation_still_waits_for_the_requirements_with_the_role_recorded(
    group: Group, admin: User, in_melhus: Tenant
) -> None:
    _minimum_age(group, admin)
    invited = UserFactory.create(birth_date=None)
    _invitation, token = do_invite(actor=admin, role=InvitationRole.STAFF, group=group, phone=invited.phone)

    membership = do_accept_invitation(user=invited, token=token)

    assert membership is not None
    assert membership.status == MembershipStatus.APPLIED
    assert membership.role == Role.STAFF


@pytest.mark.parametrize("ending", ["reject", "withdraw", "lapse"])
def test_every_ending_deletes_the_police_certificate_check(
    in_melhus: Tenant, admin: User, leader: User, ending: str
) -> None:
    # Given a group that asks for a police certificate, and a member whose certificate was noted
    group = leader.memberships.get().group
    requirement = do_add_requirement(
        actor=admin, group=group, kind=RequirementKind.POLICE_CERTIFICATE, legal_basis=LegalBasis.MINORS
    )
    status = MembershipStatus.APPLIED if ending == "reject" else MembershipStatus.APPROVED
    membership = make_member(group, status=status)
    today = timezone.localdate()
    do_record_police_certificate(
        actor=leader, membership=membership, requirement=requirement, shown_on=today, issued_on=today
    )

    # When the membership ends, however it ends
    if ending == "reject":
        do_reject_membership(actor=leader, membership=membership)
    elif ending == "withdraw":
        do_withdraw_membership(actor=membership.user, membership=membership)
    else:
        do_lapse_membership(membership=membership, reason="police_certificate_expired")

    # Then nothing of the check remains
    assert not PoliceCertificateRecord.objects.filter(membership=membership).exists()
