"""Client rules in the services and selectors: who keeps them, who sees them, every contact read audited."""

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from core.accounts.models import User
from core.audit.models import AuditEvent
from core.clients.models import Client, ConsentMethod
from core.clients.selectors import client_names_for, clients_visible_to, get_client_contact, get_visible_client
from core.clients.services import do_archive_client, do_create_client, do_update_client
from core.groups.models import Group, MembershipStatus, Purpose, Role
from tenants.models import Tenant
from tests.conftest import in_schema
from tests.factories import UserFactory, make_group, make_member

pytestmark = pytest.mark.django_db

CONSENT: dict[str, Any] = {"consent_method": ConsentMethod.WRITTEN, "consent_date": date(2026, 2, 1)}


# --- Creating ----------------------------------------------------------------------------------


def test_staff_creates_client_with_phone_read_in_the_tenants_country(home_care: Group, staff: User) -> None:
    # When staff type a Norwegian number without the country code...
    client = do_create_client(actor=staff, group=home_care, name=" Per Olsen ", phone="912 34 568", **CONSENT)

    # ...then it is stored in E.164, and the creation is audited without any personal detail.
    assert (client.name, client.phone) == ("Per Olsen", "+4791234568")
    assert client.created_by == staff
    event = AuditEvent.objects.get(action="client.created")
    assert (event.actor, event.target_type, event.target_id) == (staff, "client", str(client.pk))
    assert event.data == {"group": str(home_care.pk)}


def test_client_without_phone_is_allowed(home_care: Group, leader: User) -> None:
    client = do_create_client(actor=leader, group=home_care, name="Uten Telefon", **CONSENT)
    assert client.phone == ""


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": "  "}, "name"),
        ({"phone": "12"}, "phone"),
        ({"consent_method": "nodded"}, "consent_method"),
        ({"consent_date": timezone.localdate() + timedelta(days=2)}, "consent_date"),
    ],
)
def test_bad_input_is_refused_with_the_fields_message(
    home_care: Group, staff: User, fields: dict[str, object], field: str
) -> None:
    given: dict[str, Any] = {"name": "Per Olsen", "phone": "", **CONSENT, **fields}

    with pytest.raises(ValidationError) as error:
        do_create_client(actor=staff, group=home_care, **given)

    assert field in error.value.message_dict
    assert not Client.objects.exists()
    assert not AuditEvent.objects.filter(action="client.created").exists()


def test_only_need_groups_keep_clients(admin: User) -> None:
    helpers = make_group("Frivilligsentralen", purpose=Purpose.RESOURCE)
    with pytest.raises(ValidationError) as error:
        do_create_client(actor=admin, group=helpers, name="Per", **CONSENT)
    assert "group" in error.value.message_dict


@pytest.mark.parametrize(
    ("role", "status"),
    [(Role.MEMBER, MembershipStatus.APPROVED), (Role.STAFF, MembershipStatus.APPLIED)],
    ids=["member", "staff-not-yet-approved"],
)
def test_members_and_unapproved_staff_cannot_create_clients(
    home_care: Group, role: Role, status: MembershipStatus
) -> None:
    person = make_member(home_care, role=role, status=status).user
    with pytest.raises(PermissionDenied):
        do_create_client(actor=person, group=home_care, name="Per", **CONSENT)
    assert not Client.objects.exists()


# --- Who sees them -----------------------------------------------------------------------------


def test_group_staff_leaders_and_admins_see_the_client(
    client_record: Client, staff: User, leader: User, admin: User
) -> None:
    for person in (staff, leader, admin):
        assert list(clients_visible_to(person)) == [client_record]


def test_client_is_invisible_to_a_member_who_is_not_staff(client_record: Client, home_care: Group) -> None:
    member = make_member(home_care).user

    assert list(clients_visible_to(member)) == []
    with pytest.raises(Client.DoesNotExist):
        get_client_contact(viewer=member, client_id=client_record.pk)
    assert not AuditEvent.objects.filter(action="client.contact_viewed").exists()


def test_client_is_invisible_to_staff_of_another_group(client_record: Client) -> None:
    refugees = make_group("Flyktningtjenesten", purpose=Purpose.NEED)
    other_staff = make_member(refugees, role=Role.STAFF).user

    assert list(clients_visible_to(other_staff)) == []
    with pytest.raises(Client.DoesNotExist):
        get_visible_client(user=other_staff, client_id=client_record.pk)


def test_staff_whose_membership_ended_no_longer_see_clients(client_record: Client, staff: User) -> None:
    staff.memberships.update(status=MembershipStatus.WITHDRAWN)
    assert list(clients_visible_to(staff)) == []


def test_list_selector_leaves_contact_details_unread(client_record: Client, staff: User) -> None:
    listed = client_names_for(staff).get()
    assert {"phone", "address", "notes"} <= listed.get_deferred_fields()


# --- Reading contact details -------------------------------------------------------------------


def test_every_contact_read_writes_an_audit_row(client_record: Client, staff: User, admin: User) -> None:
    # When staff read the contact details twice and an admin once...
    for viewer in (staff, staff, admin):
        client = get_client_contact(viewer=viewer, client_id=client_record.pk)
        assert client.phone == "+4791234567"

    # ...then three rows name who read which client; none holds the details themselves.
    events = list(AuditEvent.objects.filter(action="client.contact_viewed").order_by("id"))
    assert [event.actor for event in events] == [staff, staff, admin]
    assert {(event.target_type, event.target_id) for event in events} == {("client", str(client_record.pk))}
    assert all("+4791234567" not in str(event.data) for event in events)


# --- Changing and archiving --------------------------------------------------------------------


def test_update_audits_the_names_of_changed_fields_only(client_record: Client, leader: User) -> None:
    do_update_client(actor=leader, client=client_record, address="Rådhusvegen 1", phone="+4791234567")

    client_record.refresh_from_db()
    assert client_record.address == "Rådhusvegen 1"
    event = AuditEvent.objects.get(action="client.updated")
    assert event.data == {"fields": ["address"]}
    assert "Rådhusvegen" not in str(event.data)


def test_update_with_nothing_changed_writes_nothing(client_record: Client, staff: User) -> None:
    do_update_client(actor=staff, client=client_record, name="Astrid Haugen")
    assert not AuditEvent.objects.filter(action="client.updated").exists()


def test_bad_update_changes_nothing(client_record: Client, staff: User) -> None:
    with pytest.raises(ValidationError):
        do_update_client(actor=staff, client=client_record, name="Ny", phone="not a number")
    client_record.refresh_from_db()
    assert client_record.name == "Astrid Haugen"


def test_member_cannot_update_or_archive(client_record: Client, home_care: Group) -> None:
    member = make_member(home_care).user
    with pytest.raises(PermissionDenied):
        do_update_client(actor=member, client=client_record, name="Taken")
    with pytest.raises(PermissionDenied):
        do_archive_client(actor=member, client=client_record)
    client_record.refresh_from_db()
    assert (client_record.name, client_record.archived_at) == ("Astrid Haugen", None)


def test_archived_client_disappears_from_every_read(client_record: Client, staff: User, admin: User) -> None:
    do_archive_client(actor=staff, client=client_record)

    assert AuditEvent.objects.filter(action="client.archived", target_id=str(client_record.pk)).count() == 1
    for person in (staff, admin):
        assert list(clients_visible_to(person)) == []
        with pytest.raises(Client.DoesNotExist):
            get_client_contact(viewer=person, client_id=client_record.pk)
    with pytest.raises(ValidationError):
        do_update_client(actor=admin, client=client_record, name="Back")


def test_client_consent_is_recorded(client_record: Client) -> None:
    client_record.refresh_from_db()
    assert client_record.consent_method == ConsentMethod.VERBAL
    assert client_record.consent_date == date(2026, 1, 15)
    assert client_record.created_at <= timezone.now()


def test_red_cross_admins_never_see_melhus_clients(client_record: Client, red_cross: Tenant) -> None:
    with in_schema(red_cross.schema_name):
        rc_admin = UserFactory.create(is_tenant_admin=True)
        assert list(clients_visible_to(rc_admin)) == []
        with pytest.raises(Client.DoesNotExist):
            get_client_contact(viewer=rc_admin, client_id=client_record.pk)
