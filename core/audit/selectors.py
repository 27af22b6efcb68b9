"""Reads of the audit log: admins only, filtered by who, what, to which row, for whom and when."""

import uuid
from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet

from core.accounts.models import User
from core.groups.permissions import check_tenant_admin

from .models import AuditEvent


@dataclass(frozen=True)
class AuditFilters:
    """Every filter is optional; given ones must all match."""

    actor: uuid.UUID | None = None
    action: str = ""  # exact
    action_prefix: str = ""  # e.g. "client." for everything done to clients
    target_type: str = ""
    target_id: str = ""
    on_behalf_of_type: str = ""
    on_behalf_of_id: str = ""
    since: datetime | None = None  # inclusive
    until: datetime | None = None  # exclusive


def audit_events_for(*, viewer: User, filters: AuditFilters | None = None) -> QuerySet[AuditEvent]:
    """The tenant's audit log for one of its admins; anyone else gets PermissionDenied."""
    check_tenant_admin(viewer)
    filters = filters or AuditFilters()
    events = AuditEvent.objects.select_related("actor")
    if filters.actor is not None:
        events = events.filter(actor_id=filters.actor)
    if filters.action:
        events = events.filter(action=filters.action)
    if filters.action_prefix:
        events = events.filter(action__startswith=filters.action_prefix)
    if filters.target_type:
        events = events.filter(target_type=filters.target_type)
    if filters.target_id:
        events = events.filter(target_id=filters.target_id)
    if filters.on_behalf_of_type:
        events = events.filter(on_behalf_of_type=filters.on_behalf_of_type)
    if filters.on_behalf_of_id:
        events = events.filter(on_behalf_of_id=filters.on_behalf_of_id)
    if filters.since is not None:
        events = events.filter(at__gte=filters.since)
    if filters.until is not None:
        events = events.filter(at__lt=filters.until)
    return events
