"""Milestones a tenant reaches after provisioning, stamped once on its onboarding case.

Called from inside a tenant's schema: the public table is found by the tenant's schema name (the
search path includes the public schema) and only a timestamp crosses, never who did it.
"""

from django.utils import timezone

from .models import OnboardingCase

ADMIN_FIRST_LOGIN = "admin_first_login"
FIRST_GROUP = "first_group"
OPERATIONAL = "operational"

_FIELDS = {
    ADMIN_FIRST_LOGIN: "admin_first_login_at",
    FIRST_GROUP: "first_group_at",
    OPERATIONAL: "operational_at",
}


def mark(tenant_schema: str, milestone: str) -> bool:
    """Stamp the milestone on the tenant's case unless already stamped; return whether it was now.

    Only after provisioning: the template's default groups, created while provisioning, are not
    the admin's first group. One conditional UPDATE, so concurrent calls stamp it once.
    """
    field = _FIELDS[milestone]
    updated = OnboardingCase.objects.filter(
        tenant__schema_name=tenant_schema, provisioned_at__isnull=False, **{f"{field}__isnull": True}
    ).update(**{field: timezone.now()})
    return updated > 0
