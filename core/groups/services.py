"""Every write about groups: memberships, roles, groups, categories, channels and invitations."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.accounts.models import User
from core.audit.services import record
from core.messaging.outbox import enqueue_email, enqueue_sms

from .models import ENDED_STATUSES, Group, Invitation, JoinPolicy, Membership, MembershipStatus, Role, Visibility
from .permissions import ACTIVE_STATUSES, check_can_manage_group, is_leader, is_tenant_admin

# A role given by an invitation never lowers one the person already holds.
_ROLE_RANK = {Role.MEMBER: 0, Role.STAFF: 1, Role.LEADER: 2}


# --- Helpers -----------------------------------------------------------------------------------


def _unmet_requirements(membership: Membership) -> list[str]:
    # Imported at call time: qualification's services call ours (to lapse a membership), so
    # neither module imports the other while loading.
    from core.qualification import selectors as qualification_selectors

    return qualification_selectors.unmet_requirements(membership=membership)


def _forget_qualification_records(membership: Membership) -> None:
    from core.qualification import services as qualification_services

    qualification_services.do_forget_records(membership=membership)


def _notify(user: User, *, kind: str, subject: str, body: str) -> None:
    """Tell a person about a change: by e-mail when they gave one (free, room for text), else SMS.

    Callers build subject and body inside translation.override(user.language).
    """
    if user.email:
        enqueue_email(to=user.email, subject=subject, body=body, kind=kind, recipient=user)
    else:
        enqueue_sms(to=user.phone, body=body, kind=kind, recipient=user)


def _lock_membership(membership: Membership) -> Membership:
    return Membership.objects.select_for_update().select_related("group", "user").get(pk=membership.pk)


def _set_status(membership: Membership, status: MembershipStatus, *, decided_by: User | None) -> None:
    membership.status = status
    membership.status_changed_at = timezone.now()
    membership.decided_by = decided_by
    membership.save(update_fields=["status", "status_changed_at", "decided_by"])


def _notify_approved(membership: Membership) -> None:
    user, group = membership.user, membership.group
    with translation.override(user.language):
        body = _("Welcome to %(group)s! You are now a member.") % {"group": group.name}
        if group.welcome_text:
            body = f"{body}\n\n{group.welcome_text}"
        _notify(
            user,
            kind="membership.approved",
            subject=_("Welcome to %(group)s") % {"group": group.name},
            body=body,
        )


def _end_membership(membership: Membership, status: MembershipStatus, *, actor: User | None) -> None:
    """Every ending goes through here: police-certificate records must not outlive the membership."""
    _set_status(membership, status, decided_by=actor)
    _forget_qualification_records(membership)


# --- Membership lifecycle ----------------------------------------------------------------------


def _check_invitation_is_for(invitation: Invitation, *, user: User, group: Group) -> None:
    # do_accept_invitation marks the invitation as used by this person before applying.
    if invitation.group_id != group.pk or invitation.accepted_by_id != user.pk or invitation.revoked_at is not None:
        raise ValidationError({"invitation": _("This invitation is not for this group or person.")})


@transaction.atomic
def do_apply(*, user: User, group: Group, via_invitation: Invitation | None = None) -> Membership:
    """Apply to (or join) a group according to its join policy; re-applying reopens the same row.

    `open` groups approve at once when no qualification requirement is unmet; `approval` groups
    wait for a leader; `invitation` groups take only people who accepted an invitation, which
    counts as the leader's approval (qualification requirements still apply).
    """
    group = Group.objects.get(pk=group.pk)
    invited = via_invitation is not None
    if via_invitation is not None:
        _check_invitation_is_for(via_invitation, user=user, group=group)
    if group.archived_at is not None or not user.is_active:
        raise Group.DoesNotExist
    membership = Membership.objects.select_for_update().filter(group=group, user=user).first()
    if membership is not None and membership.status in ACTIVE_STATUSES and not invited:
        return membership  # applying twice changes nothing
    if not invited and group.visibility == Visibility.SECRET and not is_tenant_admin(user):
        # A secret group does not exist for someone who was not invited.
        raise Group.DoesNotExist
    if not invited and group.join_policy == JoinPolicy.INVITATION:
        raise ValidationError({"group": _("This group takes new members by invitation only.")})

    applied = False
    if membership is None:
        try:
            with transaction.atomic():
                membership = Membership.objects.create(group=group, user=user)
                applied = True
        except IntegrityError:
            # Created by a concurrent request for the same person and group.
            membership = Membership.objects.select_for_update().get(group=group, user=user)
    if membership.status not in ACTIVE_STATUSES:
        # Reopen an ended membership as a fresh application, with no role carried over.
        membership.status = MembershipStatus.APPLIED
        membership.role = Role.MEMBER
        membership.applied_at = membership.status_changed_at = timezone.now()
        membership.decided_by = None
        membership.save(update_fields=["status", "role", "applied_at", "status_changed_at", "decided_by"])
        applied = True
    if applied:
        record(action="membership.applied", actor=user, target=membership, data={"group": str(group.pk)})

    if via_invitation is not None:
        role = Role(via_invitation.role)
        if _ROLE_RANK[role] > _ROLE_RANK[Role(membership.role)]:
            membership.role = role
            membership.save(update_fields=["role"])
            record(action="membership.role_changed", actor=user, target=membership, data={"role": role})

    auto_approve = invited or group.join_policy == JoinPolicy.OPEN
    if membership.status == MembershipStatus.APPLIED and auto_approve and not _unmet_requirements(membership):
        decided_by = via_invitation.created_by if via_invitation is not None else None
        _set_status(membership, MembershipStatus.APPROVED, decided_by=decided_by)
        record(
            action="membership.approved",
            actor=user,
            target=membership,
            data={"group": str(group.pk), "by": "invitation" if invited else "open_group"},
        )
        _notify_approved(membership)
    return membership


@transaction.atomic
def do_approve_membership(*, actor: User, membership: Membership) -> Membership:
    """A leader of the group or an admin approves an application once every requirement is met."""
    membership = _lock_membership(membership)
    check_can_manage_group(actor, membership.group)
    if membership.status == MembershipStatus.APPROVED:
        return membership
    if membership.status != MembershipStatus.APPLIED:
        raise ValidationError({"status": _("Only a pending application can be approved.")})
    unmet = _unmet_requirements(membership)
    if unmet:
        raise ValidationError({"requirements": unmet})
    _set_status(membership, MembershipStatus.APPROVED, decided_by=actor)
    record(action="membership.approved", actor=actor, target=membership, data={"group": str(membership.group_id)})
    _notify_approved(membership)
    return membership


@transaction.atomic
def do_reject_membership(*, actor: User, membership: Membership, notes: str = "") -> Membership:
    """A leader or admin turns down an application; `notes` join the internal leader notes."""
    membership = _lock_membership(membership)
    check_can_manage_group(actor, membership.group)
    if membership.status == MembershipStatus.REJECTED:
        return membership
    if membership.status != MembershipStatus.APPLIED:
        raise ValidationError({"status": _("Only a pending application can be rejected.")})
    _end_membership(membership, MembershipStatus.REJECTED, actor=actor)
    if notes.strip():
        membership.leader_notes = "\n\n".join(part for part in (membership.leader_notes, notes.strip()) if part)
        membership.save(update_fields=["leader_notes"])
    record(action="membership.rejected", actor=actor, target=membership, data={"group": str(membership.group_id)})
    user, group = membership.user, membership.group
    with translation.override(user.language):
        _notify(
            user,
            kind="membership.rejected",
            subject=_("Your application to %(group)s") % {"group": group.name},
            body=_("Your application to %(group)s was not approved. Contact the group's leaders if you have questions.")
            % {"group": group.name},
        )
    return membership


@transaction.atomic
def do_withdraw_membership(*, actor: User, membership: Membership) -> Membership:
    """The member leaves (or withdraws an application), or a leader or admin removes them.

    Leaders remove members and staff; only admins remove a leader other than themselves.
    """
    membership = _lock_membership(membership)
    group, user = membership.group, membership.user
    by_self = actor.pk == user.pk
    if not by_self:
        check_can_manage_group(actor, group)
        if membership.role == Role.LEADER and not is_tenant_admin(actor):
            raise PermissionDenied(_("Only the tenant's admins may remove a group leader."))
    if membership.status in ENDED_STATUSES:
        if membership.status == MembershipStatus.WITHDRAWN:
            return membership
        raise ValidationError({"status": _("This membership has already ended.")})
    _end_membership(membership, MembershipStatus.WITHDRAWN, actor=actor)
    record(
        action="membership.withdrawn",
        actor=actor,
        target=membership,
        data={"group": str(group.pk), "by": "self" if by_self else "leader"},
    )
    if not by_self:
        with translation.override(user.language):
            _notify(
                user,
                kind="membership.removed",
                subject=_("Your membership of %(group)s") % {"group": group.name},
                body=_("You are no longer a member of %(group)s. Contact the group's leaders if you have questions.")
                % {"group": group.name},
            )
    return membership


@transaction.atomic
def do_lapse_membership(*, membership: Membership, reason: str) -> Membership:
    """End a membership because a requirement is no longer met (system action, no actor).

    `reason` is a short code such as "police_certificate_expired" for the audit log. Idempotent:
    an ended membership is left as it is.
    """
    membership = _lock_membership(membership)
    if membership.status in ENDED_STATUSES:
        return membership
    _end_membership(membership, MembershipStatus.LAPSED, actor=None)
    record(
        action="membership.lapsed",
        actor=None,
        target=membership,
        data={"group": str(membership.group_id), "reason": reason},
    )
    user, group = membership.user, membership.group
    with translation.override(user.language):
        _notify(
            user,
            kind="membership.lapsed",
            subject=_("Your membership of %(group)s has lapsed") % {"group": group.name},
            body=_(
                "Your membership of %(group)s has lapsed because one of the group's requirements is no longer "
                "met. Contact the group's leaders to renew it."
            )
            % {"group": group.name},
        )
    return membership


@transaction.atomic
def do_set_role(*, actor: User, membership: Membership, role: Role | str) -> Membership:
    """Admins set any role; a group's leaders move people between member and staff in their group."""
    membership = _lock_membership(membership)
    group = membership.group
    try:
        new_role = Role(role)
    except ValueError:
        raise ValidationError({"role": _("Choose member, staff or leader.")}) from None
    if not is_tenant_admin(actor):
        if not is_leader(actor, group):
            raise PermissionDenied(_("Only the group's leaders and the tenant's admins may do this."))
        if Role.LEADER in (new_role, membership.role):
            raise PermissionDenied(_("Only the tenant's admins may make or unmake group leaders."))
    if membership.status in ENDED_STATUSES:
        raise ValidationError({"status": _("This membership has ended.")})
    if membership.role == new_role:
        return membership
    old_role = membership.role
    membership.role = new_role
    membership.save(update_fields=["role"])
    record(
        action="membership.role_changed",
        actor=actor,
        target=membership,
        data={"group": str(group.pk), "from": old_role, "to": new_role},
    )
    user = membership.user
    with translation.override(user.language):
        _notify(
            user,
            kind="membership.role_changed",
            subject=_("Your role in %(group)s") % {"group": group.name},
            body=_("Your role in %(group)s is now: %(role)s.") % {"group": group.name, "role": new_role.label},
        )
    return membership


@transaction.atomic
def do_set_leader_notes(*, actor: User, membership: Membership, notes: str) -> Membership:
    """Internal notes about a member, for the group's leaders and the admins only."""
    membership = _lock_membership(membership)
    check_can_manage_group(actor, membership.group)
    membership.leader_notes = notes.strip()
    membership.save(update_fields=["leader_notes"])
    # The notes themselves stay out of the audit log: it must not become a copy of them.
    record(action="membership.notes_changed", actor=actor, target=membership)
    return membership
