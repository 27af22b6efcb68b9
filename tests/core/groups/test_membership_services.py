"""The membership lifecycle: apply, approve, reject, withdraw, lapse, roles and leader notes."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.accounts.models import User
from core.audit.models import AuditEvent
from core.groups.models import Group, JoinPolicy, MembershipStatus, Role, Visibility
from core.groups.services import (
    do_apply,
    do_approve_membership,
    do_lapse_membership,
    do_reject_membership,
    do_set_leader_notes,
    do_set_role,
    do_withdraw_membership,
)
from core.messaging.models import OutboxMessage
from tests.core.groups.conftest import make_group, make_member
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_applying_to_an_approval_group_waits_for_a_leader(group: Group, person: User) -> None:
    membership = do_apply(user=person, group=group)

    assert membership.status == MembershipStatus.APPLIED
    assert AuditEvent.objects.filter(action="membership.applied", target_id=str(membership.pk)).exists()


def test_joining_an_open_group_approves_at_once_and_sends_the_welcome(in_melhus: object, person: User) -> None:
    group = make_group("Naboer", join_policy=JoinPolicy.OPEN, welcome_text="Velkommen, nabo!")

    membership = do_apply(user=person, group=group)

    assert membership.status == MembershipStatus.APPROVED
    message = OutboxMessage.objects.get(recipient=person, kind="membership.approved")
    assert message.medium == "sms"
    assert "Velkommen, nabo!" in message.body


def test_leader_approves_an_applicant(group: Group, leader: User, person: User) -> None:
    membership = do_apply(user=person, group=group)

    approved = do_approve_membership(actor=leader, membership=membership)

    assert approved.status == MembershipStatus.APPROVED
    assert approved.decided_by == leader


def test_a_plain_member_cannot_approve(group: Group, person: User) -> None:
    membership = do_apply(user=person, group=group)
    member = make_member(group).user

    with pytest.raises(PermissionDenied):
        do_approve_membership(actor=member, membership=membership)


def test_rejection_and_withdrawal_forget_the_membership_status(group: Group, leader: User, person: User) -> None:
    membership = do_apply(user=person, group=group)
    rejected = do_reject_membership(actor=leader, membership=membership, notes="Ikke nå")
    assert rejected.status == MembershipStatus.REJECTED

    reopened = do_apply(user=person, group=group)
    assert reopened.pk == membership.pk
    assert reopened.status == MembershipStatus.APPLIED

    withdrawn = do_withdraw_membership(actor=person, membership=reopened)
    assert withdrawn.status == MembershipStatus.WITHDRAWN
    lapsed = do_lapse_membership(membership=withdrawn, reason="test")
    assert lapsed.status == MembershipStatus.WITHDRAWN


def test_invitation_only_group_refuses_self_application(in_melhus: object, person: User) -> None:
    group = make_group("Hjemmetjenesten", join_policy=JoinPolicy.INVITATION)

    with pytest.raises(ValidationError):
        do_apply(user=person, group=group)


def test_secret_group_refuses_as_not_found(in_melhus: object, person: User) -> None:
    group = make_group("Hemmelig", visibility=Visibility.SECRET)

    with pytest.raises(Group.DoesNotExist):
        do_apply(user=person, group=group)


def test_leader_moves_member_to_staff_but_not_to_leader(group: Group, leader: User) -> None:
    membership = make_member(group)

    assert do_set_role(actor=leader, membership=membership, role=Role.STAFF).role == Role.STAFF
    with pytest.raises(PermissionDenied):
        do_set_role(actor=leader, membership=membership, role=Role.LEADER)
    do_set_leader_notes(actor=leader, membership=membership, notes="Pålitelig")
    membership.refresh_from_db()
    assert membership.leader_notes == "Pålitelig"
    assert UserFactory.create()
