"""Reads about clients: whose records a person may see, and the audited read of contact details."""

import uuid

from django.db.models import QuerySet, Subquery

from core.accounts.models import User
from core.audit.services import record
from core.groups.models import Group, Membership, MembershipStatus, Purpose
from core.groups.permissions import is_tenant_admin

from .models import Client
from .permissions import KEEPER_ROLES

# What a list may show; the contact details are left in the database until someone asks for them.
CONTACT_FIELDS = ("phone", "address", "notes")


def clients_visible_to(user: User) -> QuerySet[Client]:
    """Clients of the need groups where the person is approved staff or a leader; all for admins.

    Archived clients are gone from every read. Use get_client_contact for the contact details.
    """
    current = Client.objects.filter(archived_at__isnull=True)
    if is_tenant_admin(user):
        return current
    kept = Membership.objects.filter(user=user, status=MembershipStatus.APPROVED, role__in=KEEPER_ROLES)
    return current.filter(group_id__in=Subquery(kept.values("group_id")))


def client_names_for(user: User, *, group_id: uuid.UUID | None = None) -> QuerySet[Client]:
    """The list view of clients: names, groups and dates, without the contact details."""
    clients = clients_visible_to(user).select_related("group").defer(*CONTACT_FIELDS)
    if group_id is not None:
        clients = clients.filter(group_id=group_id)
    return clients


def get_visible_client(*, user: User, client_id: uuid.UUID) -> Client:
    """A client the person may see, for changing it; anyone else's id raises DoesNotExist (404)."""
    return clients_visible_to(user).select_related("group").defer(*CONTACT_FIELDS).get(pk=client_id)


def get_client_contact(*, viewer: User, client_id: uuid.UUID) -> Client:
    """A client with the contact details; every call writes `client.contact_viewed` to the audit log.

    The one way to read the contact details, so no endpoint can show them without a trace.
    """
    client = clients_visible_to(viewer).select_related("group").get(pk=client_id)
    record(action="client.contact_viewed", actor=viewer, target=client, data={"group": str(client.group_id)})
    return client


def groups_keeping_clients_for(user: User) -> QuerySet[Group]:
    """Need groups in use where the person may add a client: admins every one, else where they are staff or leader."""
    groups = Group.objects.filter(purpose=Purpose.NEED, archived_at__isnull=True).order_by("name", "id")
    if is_tenant_admin(user):
        return groups
    kept = Membership.objects.filter(user=user, status=MembershipStatus.APPROVED, role__in=KEEPER_ROLES)
    return groups.filter(pk__in=Subquery(kept.values("group_id")))
