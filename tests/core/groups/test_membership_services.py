"""The membership lifecycle: apply, approve, reject, withdraw, lapse, roles and leader notes."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from core.accounts.models import User
from core.audit.models import AuditEvent
from core.groups.models import Group, JoinPolicy, Membership, MembershipStatus, Role, Visibility
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
from tenants.models import Tenant
from tests.factories import UserFactory, make_group, make_member

pytestmark = pytest.mark.django_db


def _audited(action: str, membership: Membership) -> bool:
    return AuditEvent.objects.filter(action=action, target_type="membership", target_id=str(membership.pk)).exists()


# --- Applying ----------------------------------------------------------------------------------


def test_applying_to_an_approval_group_waits_for_a_leader(group: Group, person: User) -> None:
    membership = do_apply(user=person, group=group)

    assert membership.status == MembershipStatus.APPLIED
    assert membership.role == Role.MEMBER
    assert _audited("membership.applied", membership)
    assert not OutboxMessage.objects.filter(recipient=person).exists()


def test_joining_an_open_group_approves_at_once_and_sends_the_welcome_text(in_melhus: Tenant, person: User) -> None:
    group = make_group("Naboer", join_policy=JoinPolicy.OPEN, welcome_text="Velkommen, nabo!")

    membership = do_apply(user=person, group=group)

    assert membership.status == MembershipStatus.APPROVED
    assert _audited("membership.approved", membership)
    message = OutboxMessage.objects.get(recipient=person, kind="membership.approved")
    assert message.medium == "sms"
    assert message.to == person.phone
    assert "Velkommen, nabo!" in message.body


def test_applying_twice_changes_nothing(group: Group, person: User) -> None:
    first = do_apply(user=person, group=group)

    second = do_apply(user=person, group=group)

    assert second.pk == first.pk
    assert Membership.objects.filter(group=group, user=person).count() == 1
    assert AuditEvent.objects.filter(action="membership.applied", target_id=str(first.pk)).count() == 1


def test_reapplying_after_rejection_reopens_the_same_row_as_a_plain_member(group: Group, leader: User) -> None:
    membership = make_member(group, role=Role.STAFF, status=MembershipStatus.REJECTED)

    reopened = do_apply(user=membership.user, group=group)

    assert reopened.pk == membership.pk
    assert reopened.status == MembershipStatus.APPLIED
    assert reopened.role == Role.MEMBER
    assert reopened.decided_by is None


def test_invitation_only_group_refuses_self_application(in_melhus: Tenant, person: User) -> None:
    group = make_group("Hjemmetjenesten", join_policy=JoinPolicy.INVITATION)

    with pytest.raises(ValidationError) as refused:
        do_apply(user=person, group=group)

    assert "group" in refused.value.message_dict
    assert not Membership.objects.filter(group=group).exists()


def test_secret_group_refuses_an_uninvited_applicant_as_not_found(in_melhus: Tenant, person: User) -> None:
    group = make_group("Hemmelig", visibility=Visibility.SECRET)

    with pytest.raises(Group.DoesNotExist):
        do_apply(user=person, group=group)

    assert not Membership.objects.filter(group=group).exists()


def test_archived_group_takes_no_applications(in_melhus: Tenant, person: User) -> None:
    group = make_group("Gammel")
    group.archived_at = group.created_at
    group.save()

    with pytest.raises(Group.DoesNotExist):
        do_apply(user=person, group=group)


# --- Approving and rejecting -------------------------------------------------------------------


def test_leader_approves_an_applicant_who_gets_the_welcome_by_email(group: Group, leader: User) -> None:
    group.welcome_text = "Vi møtes hver tirsdag."
    group.save()
    applicant = UserFactory.create(email="ola@example.org", language="en")
    membership = do_apply(user=applicant, group=group)

    approved = do_approve_membership(actor=leader, membership=membership)

    assert approved.status == MembershipStatus.APPROVED
    assert approved.decided_by == leader
    assert _audited("membership.approved", approved)
    message = OutboxMessage.objects.get(recipient=applicant, kind="membership.approved")
    assert message.medium == "email"
    assert message.subject == "Welcome to Leksehjelp"
    assert "Vi møtes hver tirsdag." in message.body


def test_welcome_message_is_written_in_the_members_language(group: Group, leader: User) -> None:
    # Given a Swedish-speaking applicant while the request runs in English
    applicant = UserFactory.create(language="sv")
    membership = do_apply(user=applicant, group=group)

    # When the leader approves
    do_approve_membership(actor=leader, membership=membership)

    # Then the message is the Swedish rendering of the welcome
    with translation.override("sv"):
        expected = translation.gettext("Welcome to %(group)s! You are now a member.") % {"group": "Leksehjelp"}
    assert OutboxMessage.objects.get(recipient=applicant).body == expected


def test_admin_approves_without_being_in_the_group(group: Group, admin: User, person: User) -> None:
    membership = do_apply(user=person, group=group)

    assert do_approve_membership(actor=admin, membership=membership).status == MembershipStatus.APPROVED


def test_only_leaders_and_admins_approve(group: Group, person: User) -> None:
    membership = do_apply(user=person, group=group)
    member = make_member(group).user
    staff = make_member(group, role=Role.STAFF).user
    leader_elsewhere = make_member(make_group("Frivilligsentralen"), role=Role.LEADER).user

    for outsider in (member, staff, leader_elsewhere, person):
        with pytest.raises(PermissionDenied):
            do_approve_membership(actor=outsider, membership=membership)

    membership.refresh_from_db()
    assert membership.status == MembershipStatus.APPLIED


def test_approval_is_refused_while_a_requirement_is_unmet(
    group: Group, leader: User, person: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given an applicant who has not signed the declaration yet (the only test that stands in for the
    # qualification selector; tests/core/groups/test_qualification_gate.py uses real requirements)
    membership = do_apply(user=person, group=group)
    monkeypatch.setattr(
        "core.qualification.selectors.unmet_requirements",
        lambda **_given: ["Confidentiality declaration: not signed"],
    )

    # When the leader tries to approve
    with pytest.raises(ValidationError) as refused:
        do_approve_membership(actor=leader, membership=membership)

    # Then the refusal lists what is missing and nothing changed
    assert refused.value.message_dict == {"requirements": ["Confidentiality declaration: not signed"]}
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.APPLIED
    assert not _audited("membership.approved", membership)


def test_an_ended_membership_cannot_be_approved(group: Group, leader: User) -> None:
    membership = make_member(group, status=MembershipStatus.WITHDRAWN)

    with pytest.raises(ValidationError):
        do_approve_membership(actor=leader, membership=membership)


def test_rejection_notifies_the_applicant_and_keeps_the_notes_internal(group: Group, leader: User) -> None:
    membership = do_apply(user=UserFactory.create(), group=group)

    rejected = do_reject_membership(actor=leader, membership=membership, notes="Mangler referanser")

    assert rejected.status == MembershipStatus.REJECTED
    assert rejected.leader_notes == "Mangler referanser"
    message = OutboxMessage.objects.get(recipient=membership.user, kind="membership.rejected")
    assert "Mangler referanser" not in message.body
    event = AuditEvent.objects.get(action="membership.rejected", target_id=str(membership.pk))
    assert "Mangler" not in str(event.data)


def test_a_member_cannot_reject(group: Group) -> None:
    membership = do_apply(user=UserFactory.create(), group=group)

    with pytest.raises(PermissionDenied):
        do_reject_membership(actor=make_member(group).user, membership=membership)


# --- Ending ------------------------------------------------------------------------------------


def test_member_leaves_without_a_message_but_a_removed_member_is_told(group: Group, leader: User) -> None:
    leaving = make_member(group)
    removed = make_member(group)

    do_withdraw_membership(actor=leaving.user, membership=leaving)
    do_withdraw_membership(actor=leader, membership=removed)

    assert not OutboxMessage.objects.filter(recipient=leaving.user).exists()
    assert OutboxMessage.objects.filter(recipient=removed.user, kind="membership.removed").exists()
    assert AuditEvent.objects.get(action="membership.withdrawn", target_id=str(removed.pk)).data["by"] == "leader"


def test_a_member_cannot_remove_another_member(group: Group) -> None:
    victim = make_member(group)

    with pytest.raises(PermissionDenied):
        do_withdraw_membership(actor=make_member(group).user, membership=victim)


def test_only_admins_remove_a_leader(group: Group, leader: User, admin: User) -> None:
    other_leader = make_member(group, role=Role.LEADER)

    with pytest.raises(PermissionDenied):
        do_withdraw_membership(actor=leader, membership=other_leader)
    assert do_withdraw_membership(actor=admin, membership=other_leader).status == MembershipStatus.WITHDRAWN


def test_lapse_is_a_system_action_that_runs_once(group: Group) -> None:
    membership = make_member(group)

    do_lapse_membership(membership=membership, reason="training_expired")
    again = do_lapse_membership(membership=membership, reason="training_expired")

    assert again.status == MembershipStatus.LAPSED
    events = AuditEvent.objects.filter(action="membership.lapsed", target_id=str(membership.pk))
    assert events.count() == 1
    event = events.get()
    assert event.actor is None
    assert event.data["reason"] == "training_expired"
    assert OutboxMessage.objects.filter(recipient=membership.user, kind="membership.lapsed").count() == 1


# --- Roles and notes ---------------------------------------------------------------------------


def test_leader_moves_a_member_to_staff_and_back(group: Group, leader: User) -> None:
    membership = make_member(group)

    assert do_set_role(actor=leader, membership=membership, role=Role.STAFF).role == Role.STAFF
    assert do_set_role(actor=leader, membership=membership, role=Role.MEMBER).role == Role.MEMBER
    events = AuditEvent.objects.filter(action="membership.role_changed", target_id=str(membership.pk))
    assert [e.data["to"] for e in events.order_by("id")] == ["staff", "member"]


def test_only_admins_make_or_unmake_leaders(group: Group, leader: User, admin: User) -> None:
    membership = make_member(group)

    with pytest.raises(PermissionDenied):
        do_set_role(actor=leader, membership=membership, role=Role.LEADER)
    promoted = do_set_role(actor=admin, membership=membership, role=Role.LEADER)
    with pytest.raises(PermissionDenied):
        do_set_role(actor=leader, membership=promoted, role=Role.MEMBER)

    assert promoted.role == Role.LEADER


def test_a_member_cannot_change_roles(group: Group) -> None:
    member = make_member(group)

    with pytest.raises(PermissionDenied):
        do_set_role(actor=member.user, membership=member, role=Role.STAFF)


def test_an_unknown_role_is_a_field_error(group: Group, admin: User) -> None:
    with pytest.raises(ValidationError) as refused:
        do_set_role(actor=admin, membership=make_member(group), role="boss")

    assert "role" in refused.value.message_dict


def test_leader_notes_are_for_leaders_and_admins_and_stay_out_of_the_audit_log(
    group: Group, leader: User, admin: User
) -> None:
    membership = make_member(group)

    do_set_leader_notes(actor=leader, membership=membership, notes="Pålitelig, har bil")
    with pytest.raises(PermissionDenied):
        do_set_leader_notes(actor=membership.user, membership=membership, notes="Jeg er flink")

    membership.refresh_from_db()
    assert membership.leader_notes == "Pålitelig, har bil"
    event = AuditEvent.objects.get(action="membership.notes_changed", target_id=str(membership.pk))
    assert "bil" not in str(event.data)
    assert do_set_leader_notes(actor=admin, membership=membership, notes="").leader_notes == ""
