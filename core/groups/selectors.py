"""Reads about groups: what a person may see of groups, members, applicants, channels and invitations."""

import hashlib
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from core.accounts.models import User

from .models import Category, Channel, Group, Invitation, InvitationRole, Membership, MembershipStatus, Role, Visibility
from .permissions import (
    ACTIVE_STATUSES,
    approved_membership,
    can_manage_group,
    check_can_manage_group,
    check_can_see_group,
    check_tenant_admin,
    is_tenant_admin,
)

# --- Groups ------------------------------------------------------------------------------------


def groups_visible_to(user: User) -> QuerySet[Group]:
    """Groups the person may see, with their own status and role and the approved members' count.

    Secret groups appear only to their applicants and members (and admins); archived groups only
    to admins.
    """
    mine = Membership.objects.filter(group=OuterRef("pk"), user=user)
    groups = Group.objects.annotate(
        my_status=Subquery(mine.values("status")[:1]),
        my_role=Subquery(mine.values("role")[:1]),
        my_membership_id=Subquery(mine.values("id")[:1]),
        approved_count=Count("memberships", filter=Q(memberships__status=MembershipStatus.APPROVED)),
    ).prefetch_related(Prefetch("categories", queryset=Category.objects.order_by("position", "name")))
    if is_tenant_admin(user):
        return groups
    in_it = Membership.objects.filter(user=user, status__in=ACTIVE_STATUSES).values("group_id")
    return groups.filter(archived_at__isnull=True).filter(~Q(visibility=Visibility.SECRET) | Q(pk__in=in_it))


def get_visible_group(*, user: User, group_id: UUID) -> Group:
    """The group if the person may see it; Group.DoesNotExist (a 404) otherwise, secret or not."""
    return groups_visible_to(user).get(pk=group_id)


def members_of(group: Group, viewer: User) -> QuerySet[Membership]:
    """Who is in a group, as far as the viewer may know.

    Leaders and admins see every status (with leader notes, which the API shows only to them);
    approved members see the other approved members; everyone else sees nobody (PermissionDenied),
    and a secret group stays not found for them.
    """
    check_can_see_group(viewer, group)
    memberships = Membership.objects.filter(group=group).select_related("user").order_by("-applied_at", "id")
    if can_manage_group(viewer, group):
        return memberships
    if approved_membership(viewer, group) is None:
        raise PermissionDenied(_("Only the group's members see who its members are."))
    return memberships.filter(status=MembershipStatus.APPROVED)


def applicants_for(group: Group, viewer: User) -> QuerySet[Membership]:
    """Pending applications, oldest first: for the group's leaders and the admins only."""
    check_can_see_group(viewer, group)
    check_can_manage_group(viewer, group)
    return (
        Membership.objects.filter(group=group, status=MembershipStatus.APPLIED)
        .select_related("user")
        .order_by("applied_at", "id")
    )


def get_membership_for(*, viewer: User, membership_id: UUID) -> Membership:
    """A membership the viewer may act on or see: their own, or one in a group they manage.

    Anything else is "not found", so ids of other people's memberships reveal nothing.
    """
    membership = Membership.objects.select_related("group", "user").get(pk=membership_id)
    if membership.user_id == viewer.pk or can_manage_group(viewer, membership.group):
        return membership
    raise Membership.DoesNotExist


def memberships_of(user: User) -> QuerySet[Membership]:
    """The person's own memberships in groups that are not archived."""
    return (
        Membership.objects.filter(user=user, group__archived_at__isnull=True)
        .select_related("group")
        .order_by("-applied_at", "id")
    )


# --- Categories --------------------------------------------------------------------------------


def categories() -> QuerySet[Category]:
    return Category.objects.order_by("position", "name")


# --- Channels ----------------------------------------------------------------------------------


def _approved_group_ids(user: User) -> QuerySet[Membership, UUID]:
    return Membership.objects.filter(
        user=user, status=MembershipStatus.APPROVED, group__archived_at__isnull=True
    ).values_list("group_id", flat=True)


def channels_user_can_post_in(user: User) -> QuerySet[Channel]:
    """Open channels with a publishing group the person is an approved member of."""
    return (
        Channel.objects.filter(archived_at__isnull=True, publishing_groups__in=_approved_group_ids(user))
        .distinct()
        .order_by("name", "id")
    )


def channels_user_can_answer(user: User) -> QuerySet[Channel]:
    """Open channels with an answering group the person is an approved member of.

    Qualification is part of approval here; per-request checks are layered on by the requests app.
    """
    return (
        Channel.objects.filter(archived_at__isnull=True, answering_groups__in=_approved_group_ids(user))
        .distinct()
        .order_by("name", "id")
    )


def can_post_in(user: User, channel: Channel) -> bool:
    return channels_user_can_post_in(user).filter(pk=channel.pk).exists()


def can_answer_in(user: User, channel: Channel) -> bool:
    return channels_user_can_answer(user).filter(pk=channel.pk).exists()


def channels_visible_to(user: User) -> QuerySet[Channel]:
    """Admins see every channel; others the open channels they may post in or answer."""
    channels = Channel.objects.prefetch_related(
        Prefetch("publishing_groups", queryset=Group.objects.only("id", "name")),
        Prefetch("answering_groups", queryset=Group.objects.only("id", "name")),
    ).order_by("name", "id")
    if is_tenant_admin(user):
        return channels
    group_ids = _approved_group_ids(user)
    return channels.filter(
        Q(archived_at__isnull=True)
        & (
            Q(pk__in=Channel.objects.filter(publishing_groups__in=group_ids).values("pk"))
            | Q(pk__in=Channel.objects.filter(answering_groups__in=group_ids).values("pk"))
        )
    )


def get_visible_channel(*, user: User, channel_id: UUID) -> Channel:
    return channels_visible_to(user).get(pk=channel_id)


# --- Invitations and admins --------------------------------------------------------------------


def invitations_visible_to(user: User) -> QuerySet[Invitation]:
    """Admins see every invitation; a group's leaders the member invitations of their groups."""
    invitations = Invitation.objects.select_related("group", "created_by", "accepted_by").order_by("-created_at")
    if is_tenant_admin(user):
        return invitations
    led = Membership.objects.filter(user=user, role=Role.LEADER, status=MembershipStatus.APPROVED).values("group_id")
    return invitations.filter(role=InvitationRole.MEMBER, group__in=led)


def get_visible_invitation(*, user: User, invitation_id: UUID) -> Invitation:
    return invitations_visible_to(user).get(pk=invitation_id)


def tenant_admins(viewer: User) -> QuerySet[User]:
    check_tenant_admin(viewer)
    return User.objects.filter(is_tenant_admin=True).order_by("name", "id")


def get_person(*, viewer: User, user_id: UUID) -> User:
    """A person of this tenant, for an admin choosing whom to make admin."""
    check_tenant_admin(viewer)
    return User.objects.get(pk=user_id)


def hash_token(token: str) -> str:
    """Invitation links carry a secret; only its SHA-256 is stored."""
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_is_usable(invitation: Invitation) -> bool:
    """Unused, not withdrawn, not expired, and its group (if any) still in use."""
    return (
        invitation.accepted_at is None
        and invitation.revoked_at is None
        and invitation.expires_at > timezone.now()
        and (invitation.group is None or invitation.group.archived_at is None)
    )


def get_usable_invitation(*, token: str) -> Invitation | None:
    """The invitation behind a link, for showing it before it is accepted; None when it cannot be used."""
    invitation = (
        Invitation.objects.select_related("group").filter(token_hash=hash_token(token)).first() if token else None
    )
    return invitation if invitation is not None and invitation_is_usable(invitation) else None


# --- For the management pages: what an admin or a group's leaders look after ------------------


def _led_group_ids(user: User) -> QuerySet[Membership, UUID]:
    """Groups in use that the person leads (an approved membership with the leader role)."""
    return Membership.objects.filter(
        user=user, status=MembershipStatus.APPROVED, role=Role.LEADER, group__archived_at__isnull=True
    ).values_list("group_id", flat=True)


def groups_managed_by(user: User) -> QuerySet[Group]:
    """Admins: every group, archived ones too; leaders: the groups in use they lead; others: none.

    Each with its approved members' count and its applicants waiting, in two counts of one join.
    """
    groups = Group.objects.annotate(
        member_count=Count("memberships", filter=Q(memberships__status=MembershipStatus.APPROVED)),
        applicant_count=Count("memberships", filter=Q(memberships__status=MembershipStatus.APPLIED)),
    ).order_by("name", "id")
    if is_tenant_admin(user):
        return groups
    return groups.filter(pk__in=_led_group_ids(user), archived_at__isnull=True)


def get_managed_group(*, user: User, group_id: UUID) -> Group:
    """A group the person may manage; Group.DoesNotExist (a 404) for any other, secret or not."""
    return groups_managed_by(user).get(pk=group_id)


def _managed_memberships(user: User) -> QuerySet[Membership]:
    memberships = Membership.objects.select_related("user", "group")
    if is_tenant_admin(user):
        return memberships
    return memberships.filter(group_id__in=_led_group_ids(user))


def applicants_managed_by(user: User) -> QuerySet[Membership]:
    """Pending applications to the groups in use that the person manages, oldest first."""
    return (
        _managed_memberships(user)
        .filter(status=MembershipStatus.APPLIED, group__archived_at__isnull=True)
        .order_by("applied_at", "id")
    )


def memberships_managed_by(
    user: User,
    *,
    group_id: UUID | None = None,
    role: str = "",
    status: str = "",
    search: str = "",
) -> QuerySet[Membership]:
    """Memberships in the groups the person manages, narrowed by group, role, status and a name or phone search.

    The search matches part of the name (any case) or, when it holds digits, part of the phone number.
    """
    memberships = _managed_memberships(user).order_by("user__name", "user_id", "group__name", "id")
    if group_id is not None:
        memberships = memberships.filter(group_id=group_id)
    if role:
        memberships = memberships.filter(role=role)
    if status:
        memberships = memberships.filter(status=status)
    search = search.strip()
    if search:
        digits = "".join(ch for ch in search if ch.isdigit())
        matches = Q(user__name__icontains=search)
        if digits:
            matches |= Q(user__phone__contains=digits)
        memberships = memberships.filter(matches)
    return memberships


def get_managed_membership(*, viewer: User, membership_id: UUID) -> Membership:
    """A membership in a group the viewer manages (leaders: groups in use they lead); DoesNotExist otherwise."""
    return _managed_memberships(viewer).get(pk=membership_id)


def get_managed_person(*, viewer: User, user_id: UUID) -> User:
    """Admins: anyone of the tenant; leaders: someone with a membership of a group they lead; else DoesNotExist."""
    people = User.objects.all()
    if not is_tenant_admin(viewer):
        people = people.filter(memberships__group_id__in=_led_group_ids(viewer)).distinct()
    return people.get(pk=user_id)


def memberships_of_person_for(*, viewer: User, person: User) -> QuerySet[Membership]:
    """The person's memberships the viewer may see as a manager: all for admins, their own groups' for leaders."""
    return _managed_memberships(viewer).filter(user=person).order_by("group__name", "id")
