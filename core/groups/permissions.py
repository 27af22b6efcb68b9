"""Who may do what with groups; services call these, views only as a courtesy.

Callers pass signed-in people: the API lets no anonymous request reach a group endpoint.
"""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from core.accounts.models import User

from .models import Group, Membership, MembershipStatus, Role, Visibility

# Statuses in which a person counts as "in" the group for seeing a secret group.
ACTIVE_STATUSES = (MembershipStatus.APPLIED, MembershipStatus.APPROVED)


def is_tenant_admin(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_tenant_admin)


def approved_membership(user: User, group: Group) -> Membership | None:
    return Membership.objects.filter(user=user, group=group, status=MembershipStatus.APPROVED).first()


def has_role(user: User, group: Group, *roles: Role) -> bool:
    membership = approved_membership(user, group)
    return membership is not None and membership.role in roles


def is_leader(user: User, group: Group) -> bool:
    return has_role(user, group, Role.LEADER)


def can_manage_group(user: User, group: Group) -> bool:
    """Leaders of the group and the tenant's admins."""
    return is_tenant_admin(user) or is_leader(user, group)


def can_see_group(user: User, group: Group) -> bool:
    """A secret group exists only for its members (any status but ended), leaders and admins.

    Archived groups are gone for everyone but admins.
    """
    if is_tenant_admin(user):
        return True
    if group.archived_at is not None:
        return False
    if group.visibility != Visibility.SECRET:
        return True
    return Membership.objects.filter(user=user, group=group, status__in=ACTIVE_STATUSES).exists()


def can_see_members(user: User, group: Group) -> bool:
    """Leaders and admins see everyone; approved members see the other approved members; others nobody."""
    return can_manage_group(user, group) or approved_membership(user, group) is not None


def check_tenant_admin(user: User) -> None:
    if not is_tenant_admin(user):
        raise PermissionDenied(_("Only the tenant's admins may do this."))


def check_can_manage_group(user: User, group: Group) -> None:
    if not can_manage_group(user, group):
        raise PermissionDenied(_("Only the group's leaders and the tenant's admins may do this."))


def check_can_see_group(user: User, group: Group) -> None:
    """Raise "not found" rather than "forbidden" so a secret group's existence is never confirmed."""
    if not can_see_group(user, group):
        raise Group.DoesNotExist
