"""Every write about groups: memberships, roles, groups, categories, channels and invitations."""

import secrets
from collections.abc import Iterable
from datetime import timedelta
from typing import cast

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from core.accounts.models import User
from core.accounts.phone import normalize_phone
from core.audit.services import record
from core.messaging.outbox import enqueue_email, enqueue_sms
from onboarding.milestones import FIRST_GROUP, mark
from tenants.db import current_schema, tenant_connection
from tenants.models import Tenant
from tenants.services import primary_host

from .models import (
    ENDED_STATUSES,
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
from .permissions import (
    ACTIVE_STATUSES,
    can_manage_group,
    check_can_manage_group,
    check_tenant_admin,
    is_leader,
    is_tenant_admin,
)
from .selectors import hash_token, invitation_is_usable

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
            raise PermissionDenied(_("Only the tenant's admins may give or remove the group-leader role."))
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


# --- Tenant admins -----------------------------------------------------------------------------


@transaction.atomic
def do_set_tenant_admin(*, actor: User, user: User, is_admin: bool) -> User:
    """Make someone a tenant admin or stop them being one; the tenant always keeps one admin."""
    check_tenant_admin(actor)
    # Lock every admin row: two admins removing each other at the same moment cannot leave none.
    admins = set(
        User.objects.select_for_update().filter(is_tenant_admin=True, is_active=True).values_list("pk", flat=True)
    )
    if actor.pk not in admins:
        raise PermissionDenied(_("Only the tenant's admins may do this."))
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_tenant_admin == is_admin:
        return user
    if not is_admin and admins <= {user.pk}:
        raise ValidationError(
            {"is_admin": _("The tenant must keep at least one admin. Make someone else admin first.")}
        )
    user.is_tenant_admin = is_admin
    user.save(update_fields=["is_tenant_admin"])
    record(action="user.admin_granted" if is_admin else "user.admin_removed", actor=actor, target=user)
    tenant = current_tenant()
    with translation.override(user.language):
        if is_admin:
            body = _("You are now an admin of %(tenant)s in Dugnad.") % {"tenant": tenant.name}
        else:
            body = _("You are no longer an admin of %(tenant)s in Dugnad.") % {"tenant": tenant.name}
        _notify(
            user, kind="user.admin_changed", subject=_("Your role in %(tenant)s") % {"tenant": tenant.name}, body=body
        )
    return user


# --- Invitations -------------------------------------------------------------------------------


def current_tenant() -> Tenant:
    """The tenant whose schema this code runs in (for its name, country and host)."""
    tenant = tenant_connection().tenant
    if isinstance(tenant, Tenant):
        return tenant
    # schema_context() in tasks and commands sets a stand-in that only knows the schema name.
    return cast("Tenant", Tenant.objects.get(schema_name=current_schema()))


def invitation_link(token: str) -> str:
    return f"https://{primary_host(current_tenant().slug)}/invite/{token}"


def _clean_invitee_address(*, phone: str, email: str, country: str) -> tuple[str, str]:
    phone, email = phone.strip(), email.strip()
    if bool(phone) == bool(email):
        raise ValidationError(
            {"phone": _("Give either a phone number or an e-mail address to send the invitation to.")}
        )
    if phone:
        try:
            return normalize_phone(phone, region=country), ""
        except ValidationError as error:
            raise ValidationError({"phone": error.messages}) from None
    try:
        validate_email(email)
    except ValidationError as error:
        raise ValidationError({"email": error.messages}) from None
    return "", User.objects.normalize_email(email)


def _check_may_invite(actor: User, role: InvitationRole, group: Group | None) -> None:
    if role == InvitationRole.ADMIN:
        check_tenant_admin(actor)
        if group is not None:
            raise ValidationError({"group": _("An admin invitation is for the whole tenant, not for a group.")})
        return
    if group is None:
        raise ValidationError({"group": _("Choose the group this invitation is for.")})
    if role == InvitationRole.MEMBER:
        check_can_manage_group(actor, group)
    elif not is_tenant_admin(actor):
        raise PermissionDenied(_("Only the tenant's admins may invite group leaders and staff."))
    if group.archived_at is not None:
        raise ValidationError({"group": _("This group is archived.")})


@transaction.atomic
def do_invite(
    *, actor: User, role: InvitationRole | str, group: Group | None = None, phone: str = "", email: str = ""
) -> tuple[Invitation, str]:
    """Send a single-use invitation link by SMS or e-mail; return the invitation and its raw token.

    Admins invite admins, leaders, staff and members; a group's leaders invite members. Only a
    SHA-256 hash of the token is stored; the raw token travels in the message alone (and is
    returned for tests and for showing the link once to the inviter).
    """
    try:
        role = InvitationRole(role)
    except ValueError:
        raise ValidationError({"role": _("Choose admin, leader, staff or member.")}) from None
    _check_may_invite(actor, role, group)
    tenant = current_tenant()
    phone, email = _clean_invitee_address(phone=phone, email=email, country=tenant.country)
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        token_hash=hash_token(token),
        role=role,
        group=group,
        phone=phone,
        email=email,
        created_by=actor,
        expires_at=timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS),
    )
    record(
        action="invitation.created",
        actor=actor,
        target=invitation,
        data={"role": role, "group": str(group.pk) if group else "", "medium": "sms" if phone else "email"},
    )
    # The invitee's own language when they already have an account here, else the tenant's.
    existing = User.objects.filter(phone=phone).first() if phone else User.objects.filter(email__iexact=email).first()
    language = existing.language if existing is not None else tenant.language
    link = invitation_link(token)
    with translation.override(language):
        expires = formats.date_format(timezone.localtime(invitation.expires_at), "SHORT_DATE_FORMAT")
        params = {
            "inviter": actor.name or tenant.name,
            "tenant": tenant.name,
            "group": group.name if group else "",
            "role": role.label,
            "link": link,
            "date": expires,
        }
        if group is None:
            text = _("%(inviter)s invites you to be an admin of %(tenant)s in Dugnad.") % params
        else:
            text = _("%(inviter)s invites you to %(group)s (%(tenant)s) as %(role)s.") % params
        body = "{} {}".format(
            text, _("Open this link to accept: %(link)s - it works once and expires on %(date)s.") % params
        )
        subject = _("Invitation to %(tenant)s") % params
    if phone:
        enqueue_sms(to=phone, body=body, kind="invitation", recipient=existing, sensitive=True)
    else:
        enqueue_email(to=email, subject=subject, body=body, kind="invitation", recipient=existing, sensitive=True)
    return invitation, token


def _invalid_invitation() -> ValidationError:
    # One message for unknown, used, revoked and expired links: a guesser learns nothing.
    return ValidationError(
        {
            "token": _(
                "This invitation link is not valid: it may have expired, been withdrawn or been used already. "
                "Ask the person who invited you for a new one."
            )
        }
    )


@transaction.atomic
def do_accept_invitation(*, user: User, token: str) -> Membership | None:
    """Use an invitation link: grant its role (admin) or join its group with its role.

    The link is bound to nothing but its secret (people change numbers and forward links to the
    right colleague); the audit log records who used it. Returns the membership, or None for an
    admin invitation. Joining via an invitation is the leader's decision, but the group's
    qualification requirements still apply: if some are unmet the membership stays `applied`.
    """
    if not token or not user.is_active:
        raise _invalid_invitation()
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("group")
        .filter(token_hash=hash_token(token))
        .first()
    )
    if invitation is None or not invitation_is_usable(invitation):
        raise _invalid_invitation()
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    record(
        action="invitation.accepted",
        actor=user,
        target=invitation,
        data={"role": invitation.role, "group": str(invitation.group_id or "")},
    )
    if invitation.role == InvitationRole.ADMIN:
        if not user.is_tenant_admin:
            user.is_tenant_admin = True
            user.save(update_fields=["is_tenant_admin"])
            record(action="user.admin_granted", actor=user, target=user, data={"invitation": str(invitation.pk)})
        return None
    assert invitation.group is not None  # noqa: S101 - only admin invitations have no group (checked at creation)
    return do_apply(user=user, group=invitation.group, via_invitation=invitation)


@transaction.atomic
def do_revoke_invitation(*, actor: User, invitation: Invitation) -> Invitation:
    """Withdraw an unused invitation: admins any, a group's leaders the member invitations of their group."""
    invitation = Invitation.objects.select_for_update(of=("self",)).select_related("group").get(pk=invitation.pk)
    may = is_tenant_admin(actor) or (
        invitation.role == InvitationRole.MEMBER
        and invitation.group is not None
        and can_manage_group(actor, invitation.group)
    )
    if not may:
        raise PermissionDenied(_("Only the tenant's admins and the group's leaders may withdraw this invitation."))
    if invitation.revoked_at is not None:
        return invitation
    if invitation.accepted_at is not None:
        raise ValidationError({"invitation": _("This invitation has already been used.")})
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    record(action="invitation.revoked", actor=actor, target=invitation)
    return invitation


# --- Groups ------------------------------------------------------------------------------------


def _save_cleanly(obj: Group | Channel | Category, *, update_fields: list[str] | None = None) -> None:
    """full_clean then save; a concurrent duplicate that slips past the check is still a field error."""
    obj.full_clean()
    try:
        with transaction.atomic():
            obj.save(update_fields=update_fields)
    except IntegrityError:
        field = "key" if isinstance(obj, Category) else "name"
        raise ValidationError({field: _("This name is already taken.")}) from None


def _ensure_own_channel(group: Group) -> Channel:
    """An open group publishes into and answers its own channel."""
    channel, _created = Channel.objects.get_or_create(own_group=group, defaults={"name": group.name})
    if channel.archived_at is not None or channel.name != group.name:
        channel.archived_at = None
        channel.name = group.name
        channel.save(update_fields=["archived_at", "name"])
    channel.publishing_groups.add(group)
    channel.answering_groups.add(group)
    return channel


def _archive_own_channel(group: Group) -> None:
    Channel.objects.filter(own_group=group, archived_at__isnull=True).update(archived_at=timezone.now())


@transaction.atomic
def do_create_group(
    *,
    actor: User,
    name: str,
    purpose: Purpose | str,
    description: str = "",
    join_policy: JoinPolicy | str = JoinPolicy.APPROVAL,
    visibility: Visibility | str = Visibility.PUBLIC,
    welcome_text: str = "",
    categories: Iterable[Category] = (),
    area: str = "",
) -> Group:
    """Admins create groups; an open group gets its own channel at once."""
    check_tenant_admin(actor)
    group = Group(
        name=name.strip(),
        purpose=purpose,
        description=description.strip(),
        join_policy=join_policy,
        visibility=visibility,
        welcome_text=welcome_text.strip(),
        area=area.strip(),
    )
    _save_cleanly(group)
    group.categories.set(list(categories))
    if group.purpose == Purpose.OPEN:
        _ensure_own_channel(group)
    record(action="group.created", actor=actor, target=group)
    mark(current_schema(), FIRST_GROUP)
    return group


# Fields a group's leaders may edit themselves; the rest shape the tenant and are the admins'.
LEADER_EDITABLE_FIELDS = frozenset({"description", "welcome_text"})


@transaction.atomic
def do_update_group(
    *,
    actor: User,
    group: Group,
    name: str | None = None,
    purpose: Purpose | str | None = None,
    description: str | None = None,
    join_policy: JoinPolicy | str | None = None,
    visibility: Visibility | str | None = None,
    welcome_text: str | None = None,
    categories: Iterable[Category] | None = None,
    area: str | None = None,
) -> Group:
    """Change a group: admins any field, its leaders the description and welcome text."""
    group = Group.objects.select_for_update().get(pk=group.pk)
    check_can_manage_group(actor, group)
    if group.archived_at is not None:
        raise ValidationError({"group": _("This group is archived.")})
    given = {
        "name": name,
        "purpose": purpose,
        "description": description,
        "join_policy": join_policy,
        "visibility": visibility,
        "welcome_text": welcome_text,
        "area": area,
    }
    changes = {field: value.strip() for field, value in given.items() if value is not None}
    asked = set(changes) | ({"categories"} if categories is not None else set())
    if not is_tenant_admin(actor) and not asked <= LEADER_EDITABLE_FIELDS:
        raise PermissionDenied(_("Group leaders may change the description and welcome text; ask an admin for more."))
    was_open = group.purpose == Purpose.OPEN
    changed = [field for field, value in changes.items() if getattr(group, field) != value]
    for field in changed:
        setattr(group, field, changes[field])
    if changed:
        _save_cleanly(group, update_fields=changed)
    if categories is not None:
        group.categories.set(list(categories))
        changed.append("categories")
    if group.purpose == Purpose.OPEN:
        _ensure_own_channel(group)
    elif was_open:
        _archive_own_channel(group)
    if changed:
        record(action="group.updated", actor=actor, target=group, data={"fields": sorted(changed)})
    return group


@transaction.atomic
def do_archive_group(*, actor: User, group: Group) -> Group:
    """Admins archive a group: it disappears for everyone else, its open links stop working."""
    check_tenant_admin(actor)
    group = Group.objects.select_for_update().get(pk=group.pk)
    if group.archived_at is not None:
        return group
    now = timezone.now()
    group.archived_at = now
    group.save(update_fields=["archived_at"])
    _archive_own_channel(group)
    Invitation.objects.filter(group=group, accepted_at__isnull=True, revoked_at__isnull=True).update(revoked_at=now)
    record(action="group.archived", actor=actor, target=group)
    return group


# --- Categories of help ------------------------------------------------------------------------


@transaction.atomic
def do_create_category(*, actor: User, key: str, name: str, position: int = 0) -> Category:
    check_tenant_admin(actor)
    category = Category(key=key.strip(), name=name.strip(), position=position)
    _save_cleanly(category)
    record(action="category.created", actor=actor, target=category)
    return category


@transaction.atomic
def do_update_category(
    *, actor: User, category: Category, name: str | None = None, position: int | None = None
) -> Category:
    check_tenant_admin(actor)
    category = Category.objects.select_for_update().get(pk=category.pk)
    changed = []
    if name is not None and name.strip() != category.name:
        category.name = name.strip()
        changed.append("name")
    if position is not None and position != category.position:
        category.position = position
        changed.append("position")
    if changed:
        _save_cleanly(category, update_fields=changed)
        record(action="category.updated", actor=actor, target=category, data={"fields": changed})
    return category


@transaction.atomic
def do_delete_category(*, actor: User, category: Category) -> None:
    """Remove a category; groups that dealt with it simply no longer list it."""
    check_tenant_admin(actor)
    record(action="category.deleted", actor=actor, target=category, data={"key": category.key})
    category.delete()


# --- Channels ----------------------------------------------------------------------------------


def _check_channel_groups(publishing: list[Group], answering: list[Group]) -> None:
    errors: dict[str, str] = {}
    for field, groups in (("publishing_groups", publishing), ("answering_groups", answering)):
        if not groups:
            errors[field] = _("Choose at least one group.")
        elif any(group.archived_at is not None for group in groups):
            errors[field] = _("Archived groups cannot take part in a channel.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def do_create_channel(
    *,
    actor: User,
    name: str,
    publishing_groups: Iterable[Group],
    answering_groups: Iterable[Group],
    description: str = "",
) -> Channel:
    """Admins bind groups: members of the publishing groups post, members of the answering groups answer."""
    check_tenant_admin(actor)
    publishing, answering = list(publishing_groups), list(answering_groups)
    channel = Channel(name=name.strip(), description=description.strip())
    errors: dict[str, list[str]] = {}
    try:
        channel.full_clean()
    except ValidationError as error:
        errors.update(error.message_dict)
    try:
        _check_channel_groups(publishing, answering)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    channel.save()
    channel.publishing_groups.set(publishing)
    channel.answering_groups.set(answering)
    record(action="channel.created", actor=actor, target=channel)
    return channel


@transaction.atomic
def do_update_channel(
    *,
    actor: User,
    channel: Channel,
    name: str | None = None,
    description: str | None = None,
    publishing_groups: Iterable[Group] | None = None,
    answering_groups: Iterable[Group] | None = None,
) -> Channel:
    check_tenant_admin(actor)
    channel = Channel.objects.select_for_update().get(pk=channel.pk)
    if channel.archived_at is not None:
        raise ValidationError({"channel": _("This channel is archived.")})
    publishing = list(publishing_groups) if publishing_groups is not None else list(channel.publishing_groups.all())
    answering = list(answering_groups) if answering_groups is not None else list(channel.answering_groups.all())
    _check_channel_groups(publishing, answering)
    changed = []
    for field, value in (("name", name), ("description", description)):
        if value is not None and value.strip() != getattr(channel, field):
            setattr(channel, field, value.strip())
            changed.append(field)
    if changed:
        channel.full_clean()
        channel.save(update_fields=changed)
    if publishing_groups is not None:
        channel.publishing_groups.set(publishing)
        changed.append("publishing_groups")
    if answering_groups is not None:
        channel.answering_groups.set(answering)
        changed.append("answering_groups")
    if changed:
        record(action="channel.updated", actor=actor, target=channel, data={"fields": changed})
    return channel


@transaction.atomic
def do_archive_channel(*, actor: User, channel: Channel) -> Channel:
    check_tenant_admin(actor)
    channel = Channel.objects.select_for_update().get(pk=channel.pk)
    if channel.archived_at is None:
        channel.archived_at = timezone.now()
        channel.save(update_fields=["archived_at"])
        record(action="channel.archived", actor=actor, target=channel)
    return channel
