"""Roles given by invitation links, and who runs the tenant (tenant admins)."""

import hashlib
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from core.accounts.models import User
from core.audit.models import AuditEvent
from core.groups.models import Group, Invitation, InvitationRole, JoinPolicy, Membership, MembershipStatus, Role
from core.groups.services import (
    do_accept_invitation,
    do_archive_group,
    do_invite,
    do_revoke_invitation,
    do_set_tenant_admin,
)
from core.messaging.models import OutboxMessage
from tenants.models import Tenant
from tests.factories import UserFactory, make_group, make_member

pytestmark = pytest.mark.django_db

INVALID = (
    "This invitation link is not valid: it may have expired, been withdrawn or been used already. "
    "Ask the person who invited you for a new one."
)


def _refused(user: User, token: str) -> list[str]:
    with pytest.raises(ValidationError) as refused:
        do_accept_invitation(user=user, token=token)
    return refused.value.message_dict["token"]


# --- Sending -----------------------------------------------------------------------------------


def test_admin_invites_a_leader_by_sms_with_a_single_use_link(group: Group, admin: User) -> None:
    invitation, token = do_invite(actor=admin, role=InvitationRole.LEADER, group=group, phone="912 34 567")

    assert invitation.phone == "+4791234567"
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(Invitation.objects.filter(pk=invitation.pk).values().get())
    assert invitation.expires_at - timezone.now() > timedelta(days=6, hours=23)
    message = OutboxMessage.objects.get(kind="invitation")
    assert message.medium == "sms"
    assert message.to == "+4791234567"
    assert message.sensitive
    assert f"https://melhus.localhost/invite/{token}" in message.body
    assert AuditEvent.objects.filter(action="invitation.created", target_id=str(invitation.pk)).exists()


def test_invitation_by_email_is_written_in_the_known_persons_language(group: Group, admin: User) -> None:
    known = UserFactory.create(email="sara@example.se", language="sv")

    do_invite(actor=admin, role=InvitationRole.STAFF, group=group, email="Sara@Example.se")

    message = OutboxMessage.objects.get(kind="invitation")
    assert message.medium == "email"
    assert message.to == "Sara@example.se"
    assert message.subject == "Inbjudan till Melhus kommune"
    assert message.recipient is None or message.recipient == known


def test_leader_invites_members_but_not_staff_or_leaders(group: Group, leader: User) -> None:
    invitation, _token = do_invite(actor=leader, role=InvitationRole.MEMBER, group=group, phone="+4791234568")
    assert invitation.role == InvitationRole.MEMBER

    for role in (InvitationRole.STAFF, InvitationRole.LEADER, InvitationRole.ADMIN):
        with pytest.raises(PermissionDenied):
            do_invite(
                actor=leader, role=role, group=None if role == InvitationRole.ADMIN else group, phone="+4791234569"
            )

    assert Invitation.objects.count() == 1


def test_a_member_cannot_invite(group: Group) -> None:
    member = make_member(group).user

    with pytest.raises(PermissionDenied):
        do_invite(actor=member, role=InvitationRole.MEMBER, group=group, phone="+4791234568")


def test_leader_of_another_group_cannot_invite_to_this_one(group: Group) -> None:
    other_leader = make_member(make_group("Frivilligsentralen"), role=Role.LEADER).user

    with pytest.raises(PermissionDenied):
        do_invite(actor=other_leader, role=InvitationRole.MEMBER, group=group, phone="+4791234568")


@pytest.mark.parametrize(
    ("given", "field"),
    [
        ({"role": "boss", "phone": "+4791234568"}, "role"),
        ({"role": InvitationRole.STAFF, "group": None, "phone": "+4791234568"}, "group"),
        ({"role": InvitationRole.ADMIN, "phone": "+4791234568"}, "group"),
        ({"role": InvitationRole.STAFF}, "phone"),
        ({"role": InvitationRole.STAFF, "phone": "+4791234568", "email": "a@example.org"}, "phone"),
        ({"role": InvitationRole.STAFF, "phone": "12"}, "phone"),
        ({"role": InvitationRole.STAFF, "email": "not-an-address"}, "email"),
    ],
)
def test_bad_invitation_input_is_a_field_error_and_sends_nothing(
    group: Group, admin: User, given: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        do_invite(actor=admin, **{"group": group, **given})

    assert field in refused.value.message_dict
    assert not Invitation.objects.exists()
    assert not OutboxMessage.objects.exists()


# --- Accepting ---------------------------------------------------------------------------------


def test_accepting_a_staff_invitation_approves_the_membership_with_the_role(group: Group, admin: User) -> None:
    # Given an invitation-only group and an invitation to it as staff
    group.join_policy = JoinPolicy.INVITATION
    group.save()
    invitation, token = do_invite(actor=admin, role=InvitationRole.STAFF, group=group, phone="+4791234568")
    nurse = UserFactory.create(phone="+4791234599")

    # When someone accepts it (the link is bound to its secret, not to the number it was sent to)
    membership = do_accept_invitation(user=nurse, token=token)

    # Then they are approved staff, decided by the inviter, and the log says who used the link
    assert membership is not None
    assert membership.status == MembershipStatus.APPROVED
    assert membership.role == Role.STAFF
    assert membership.decided_by == admin
    invitation.refresh_from_db()
    assert invitation.accepted_by == nurse
    event = AuditEvent.objects.get(action="invitation.accepted", target_id=str(invitation.pk))
    assert event.actor == nurse


def test_invitation_reopens_an_ended_membership(group: Group, admin: User) -> None:
    former = make_member(group, status=MembershipStatus.WITHDRAWN)
    _invitation, token = do_invite(actor=admin, role=InvitationRole.MEMBER, group=group, phone=former.user.phone)

    membership = do_accept_invitation(user=former.user, token=token)

    assert membership is not None
    assert membership.pk == former.pk
    assert membership.status == MembershipStatus.APPROVED


def test_invitation_never_lowers_a_role(group: Group, admin: User, leader: User) -> None:
    _invitation, token = do_invite(actor=admin, role=InvitationRole.MEMBER, group=group, phone=leader.phone)

    membership = do_accept_invitation(user=leader, token=token)

    assert membership is not None
    assert membership.role == Role.LEADER


def test_invitation_lets_a_person_into_a_secret_group(in_melhus: Tenant, admin: User, person: User) -> None:
    secret = make_group("Krisestab", visibility="secret", join_policy=JoinPolicy.INVITATION)
    _invitation, token = do_invite(actor=admin, role=InvitationRole.MEMBER, group=secret, phone=person.phone)

    membership = do_accept_invitation(user=person, token=token)

    assert membership is not None
    assert membership.status == MembershipStatus.APPROVED


def test_admin_invitation_makes_the_person_a_tenant_admin(in_melhus: Tenant, admin: User, person: User) -> None:
    _invitation, token = do_invite(actor=admin, role=InvitationRole.ADMIN, phone=person.phone)

    assert do_accept_invitation(user=person, token=token) is None

    person.refresh_from_db()
    assert person.is_tenant_admin
    assert AuditEvent.objects.filter(action="user.admin_granted", target_id=str(person.pk)).exists()


def test_an_invitation_works_once(group: Group, admin: User) -> None:
    _invitation, token = do_invite(actor=admin, role=InvitationRole.MEMBER, group=group, phone="+4791234568")
    first, second = UserFactory.create(), UserFactory.create()
    do_accept_invitation(user=first, token=token)

    assert _refused(second, token) == [INVALID]
    assert not Membership.objects.filter(user=second).exists()


def test_an_expired_invitation_is_refused_with_the_same_message(group: Group, admin: User, person: User) -> None:
    invitation, token = do_invite(actor=admin, role=InvitationRole.MEMBER, group=group, phone="+4791234568")
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(seconds=1))

    assert _refused(person, token) == [INVALID]
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_a_wrong_token_is_refused_with_the_same_message(group: Group, admin: User, person: User) -> None:
    do_invite(actor=admin, role=InvitationRole.MEMBER, group=group, phone="+4791234568")

    assert _refused(person, "not-the-token") == [INVALID]
    assert _refused(person, "") == [INVALID]
    assert not Membership.objects.filter(user=person).exists()


def test_a_revoked_invitation_is_refused(group: Group, admin: User, leader: User, person: User) -> None:
    invitation, token = do_invite(actor=leader, role=InvitationRole.MEMBER, group=group, phone="+4791234568")

    do_revoke_invitation(actor=leader, invitation=invitation)

    assert _refused(person, token) == [INVALID]
    assert AuditEvent.objects.filter(action="invitation.revoked", target_id=str(invitation.pk)).exists()


def test_archiving_a_group_revokes_its_open_invitations(group: Group, admin: User, person: User) -> None:
    _invitation, token = do_invite(actor=admin, role=InvitationRole.MEMBER, group=group, phone="+4791234568")

    do_archive_group(actor=admin, group=group)

    assert _refused(person, token) == [INVALID]


def test_a_member_cannot_revoke_and_a_used_invitation_cannot_be_revoked(group: Group, admin: User) -> None:
    invitation, token = do_invite(actor=admin, role=InvitationRole.MEMBER, group=group, phone="+4791234568")
    member = make_member(group).user
    with pytest.raises(PermissionDenied):
        do_revoke_invitation(actor=member, invitation=invitation)

    do_accept_invitation(user=UserFactory.create(), token=token)

    with pytest.raises(ValidationError):
        do_revoke_invitation(actor=admin, invitation=invitation)


def test_leader_cannot_revoke_an_admins_staff_invitation(group: Group, admin: User, leader: User) -> None:
    invitation, _token = do_invite(actor=admin, role=InvitationRole.STAFF, group=group, phone="+4791234568")

    with pytest.raises(PermissionDenied):
        do_revoke_invitation(actor=leader, invitation=invitation)


# --- Tenant admins -----------------------------------------------------------------------------


def test_admin_makes_someone_admin_and_they_are_told(admin: User, person: User) -> None:
    do_set_tenant_admin(actor=admin, user=person, is_admin=True)

    person.refresh_from_db()
    assert person.is_tenant_admin
    assert AuditEvent.objects.filter(action="user.admin_granted", target_id=str(person.pk), actor=admin).exists()
    assert OutboxMessage.objects.filter(recipient=person, kind="user.admin_changed").exists()


def test_a_non_admin_cannot_make_admins(person: User) -> None:
    other = UserFactory.create()

    with pytest.raises(PermissionDenied):
        do_set_tenant_admin(actor=person, user=other, is_admin=True)
    with pytest.raises(PermissionDenied):
        do_set_tenant_admin(actor=person, user=person, is_admin=True)

    person.refresh_from_db()
    assert not person.is_tenant_admin


def test_the_last_admin_cannot_remove_themself(admin: User) -> None:
    with pytest.raises(ValidationError) as refused:
        do_set_tenant_admin(actor=admin, user=admin, is_admin=False)

    assert "is_admin" in refused.value.message_dict
    admin.refresh_from_db()
    assert admin.is_tenant_admin


def test_an_admin_may_step_down_when_another_remains(admin: User, person: User) -> None:
    do_set_tenant_admin(actor=admin, user=person, is_admin=True)

    do_set_tenant_admin(actor=admin, user=admin, is_admin=False)

    admin.refresh_from_db()
    assert not admin.is_tenant_admin
    with pytest.raises(PermissionDenied):
        do_set_tenant_admin(actor=admin, user=admin, is_admin=True)
