"""What a signed-in person is on this tenant's site, worked out once per request."""

from dataclasses import dataclass

from django.http import HttpRequest

from core.groups.models import MembershipStatus, Purpose, Role


@dataclass(frozen=True)
class Roles:
    authenticated: bool = False
    admin: bool = False
    leader: bool = False  # leads at least one group
    staff: bool = False  # staff of at least one group (acts for clients or residents)
    keeps_clients: bool = False  # staff or leader of a need group

    @property
    def manages(self) -> bool:
        """Sees the management pages: tenant admins and group leaders."""
        return self.admin or self.leader


def roles_of(request: HttpRequest) -> Roles:
    cached = getattr(request, "_web_roles", None)
    if isinstance(cached, Roles):
        return cached
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or getattr(request.tenant, "schema_name", "public") == "public":  # type: ignore[attr-defined]
        roles = Roles()
    else:
        approved = user.memberships.filter(status=MembershipStatus.APPROVED).values_list("role", "group__purpose")
        pairs = set(approved)
        roles = Roles(
            authenticated=True,
            admin=bool(user.is_tenant_admin),
            leader=any(role == Role.LEADER for role, _purpose in pairs),
            staff=any(role == Role.STAFF for role, _purpose in pairs),
            keeps_clients=any(role in (Role.STAFF, Role.LEADER) and purpose == Purpose.NEED for role, purpose in pairs),
        )
    request._web_roles = roles  # type: ignore[attr-defined]
    return roles
