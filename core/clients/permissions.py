"""Who may keep a need group's client records: its staff, its leaders and the tenant's admins."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from core.accounts.models import User
from core.groups.models import Group, Role
from core.groups.permissions import has_role, is_tenant_admin

KEEPER_ROLES = (Role.STAFF, Role.LEADER)


def can_keep_clients_of(user: User, group: Group) -> bool:
    return is_tenant_admin(user) or has_role(user, group, *KEEPER_ROLES)


def check_can_keep_clients_of(user: User, group: Group) -> None:
    if not can_keep_clients_of(user, group):
        raise PermissionDenied(_("Only the group's staff and leaders and the tenant's admins may do this."))
