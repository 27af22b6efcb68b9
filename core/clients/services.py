"""Every write about clients: records that a need group's staff keep for people without an account."""

from datetime import date
from typing import TypedDict, Unpack

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.accounts.models import User
from core.accounts.phone import normalize_phone
from core.audit.services import record
from core.groups.models import Group, Purpose
from onboarding.dpa import current_tenant_has_written_dpa
from tenants.db import current_schema, tenant_connection
from tenants.models import Tenant

from .models import Client, ConsentMethod
from .permissions import check_can_keep_clients_of


def _tenant_country() -> str:
    """The country whose numbering plan reads a phone number typed without a country code."""
    country = getattr(tenant_connection().tenant, "country", None)
    if not country:
        # Inside schema_context (tasks, commands) the connection knows only the schema's name.
        country = Tenant.objects.filter(schema_name=current_schema()).values_list("country", flat=True).first()
    return str(country or "NO")


class ClientFields(TypedDict):
    name: str
    phone: str
    address: str
    notes: str
    consent_method: str
    consent_date: date


class ClientChanges(TypedDict, total=False):
    """The fields a person may change after creating the record; the group that keeps it stays."""

    name: str
    phone: str
    address: str
    notes: str
    consent_method: str
    consent_date: date


def _clean(*, name: str, phone: str, address: str, notes: str, consent_method: str, consent_date: date) -> ClientFields:
    errors: dict[str, str] = {}
    name = name.strip()
    if not name:
        errors["name"] = _("Enter the client's name.")
    phone = phone.strip()
    if phone:
        try:
            phone = normalize_phone(phone, region=_tenant_country())
        except ValidationError as error:
            errors["phone"] = error.messages[0]
    if consent_method not in ConsentMethod.values:
        errors["consent_method"] = _("Choose how the client agreed to be represented.")
    if consent_date > timezone.localdate():
        errors["consent_date"] = _("The date the client agreed cannot be in the future.")
    if errors:
        raise ValidationError(errors)
    return ClientFields(
        name=name,
        phone=phone,
        address=address.strip(),
        notes=notes.strip(),
        consent_method=consent_method,
        consent_date=consent_date,
    )


@transaction.atomic
def do_create_client(
    *,
    actor: User,
    group: Group,
    name: str,
    consent_method: str,
    consent_date: date,
    phone: str = "",
    address: str = "",
    notes: str = "",
) -> Client:
    """A new client record in a need group; its staff, its leaders and the tenant's admins may create one."""
    check_can_keep_clients_of(actor, group)
    if not current_tenant_has_written_dpa():
        # GDPR Art. 28(9): no personal data of clients before the agreement exists in writing.
        raise ValidationError(
            {
                NON_FIELD_ERRORS: _(
                    "Client records open once your organisation has accepted the data-processing agreement "
                    "in writing. Ask your contact at Dugnad for the acceptance link."
                )
            }
        )
    if group.purpose != Purpose.NEED or group.archived_at is not None:
        raise ValidationError({"group": _("Clients can only be added to a need group that is in use (not archived).")})
    fields = _clean(
        name=name,
        phone=phone,
        address=address,
        notes=notes,
        consent_method=consent_method,
        consent_date=consent_date,
    )
    client = Client.objects.create(group=group, created_by=actor, **fields)
    record(action="client.created", actor=actor, target=client, data={"group": str(group.pk)})
    return client


@transaction.atomic
def do_update_client(*, actor: User, client: Client, **changes: Unpack[ClientChanges]) -> Client:
    """Change the given fields of a client's record; audited with the changed fields' names."""
    client = Client.objects.select_for_update().select_related("group").get(pk=client.pk)
    check_can_keep_clients_of(actor, client.group)
    if client.archived_at is not None:
        raise ValidationError(_("This client's record is archived and can no longer be changed."))
    wanted = _clean(
        name=changes.get("name", client.name),
        phone=changes.get("phone", client.phone),
        address=changes.get("address", client.address),
        notes=changes.get("notes", client.notes),
        consent_method=changes.get("consent_method", client.consent_method),
        consent_date=changes.get("consent_date", client.consent_date),
    )
    changed = sorted(field for field, value in wanted.items() if getattr(client, field) != value)
    if not changed:
        return client
    for field in changed:
        setattr(client, field, wanted[field])  # type: ignore[literal-required]
    client.save(update_fields=changed)
    # Field names only: the log must not become a second copy of the client's details.
    record(action="client.updated", actor=actor, target=client, data={"fields": changed})
    return client


@transaction.atomic
def do_archive_client(*, actor: User, client: Client) -> Client:
    """Take a client out of use: the record disappears from every read but stays for the requests it was in."""
    client = Client.objects.select_for_update().select_related("group").get(pk=client.pk)
    check_can_keep_clients_of(actor, client.group)
    if client.archived_at is not None:
        return client
    client.archived_at = timezone.now()
    client.save(update_fields=["archived_at"])
    record(action="client.archived", actor=actor, target=client)
    return client
