"""The client endpoints: names in lists, contact details only from the audited detail read, isolation."""

from datetime import date

import pytest
from pytest_django import DjangoAssertNumQueries

from core.accounts.models import User
from core.audit.models import AuditEvent
from core.clients.models import Client, ConsentMethod
from core.clients.services import do_create_client
from core.groups.models import Group, Purpose, Role
from tenants.models import Tenant
from tests.conftest import Api, in_schema
from tests.factories import UserFactory, make_group, make_member

pytestmark = pytest.mark.django_db

CONTACT = ("+4791234567", "Gimsøyvegen", "Hører dårlig")


def _contact_views() -> int:
    return AuditEvent.objects.filter(action="client.contact_viewed").count()


def test_list_shows_names_only(in_melhus: Tenant, client_record: Client, staff: User, home_care: Group) -> None:
    response = Api(in_melhus, staff).get("clients/")

    assert response.status_code == 200
    [row] = response.json()["results"]
    assert row == {
        "id": str(client_record.pk),
        "name": "Astrid Haugen",
        "group": {"id": str(home_care.pk), "name": "Hjemmetjenesten"},
        "created_at": row["created_at"],
    }
    assert not any(detail in response.content.decode() for detail in CONTACT)
    assert _contact_views() == 0


def test_list_filters_by_group(in_melhus: Tenant, client_record: Client, admin: User) -> None:
    refugees = make_group("Flyktningtjenesten", purpose=Purpose.NEED)
    do_create_client(
        actor=admin, group=refugees, name="Amina", consent_method=ConsentMethod.WRITTEN, consent_date=date(2026, 3, 1)
    )
    api = Api(in_melhus, admin)

    assert len(api.get("clients/").json()["results"]) == 2
    [only] = api.get("clients/", {"group": str(refugees.pk)}).json()["results"]
    assert only["name"] == "Amina"
    assert api.get("clients/", {"group": "not-a-uuid"}).status_code == 400


def test_client_list_has_a_fixed_number_of_queries(
    in_melhus: Tenant, home_care: Group, staff: User, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    for index in range(10):
        do_create_client(
            actor=staff,
            group=home_care,
            name=f"Klient {index}",
            consent_method=ConsentMethod.VERBAL,
            consent_date=date(2026, 1, 1),
        )
    api = Api(in_melhus, staff)

    with django_assert_max_num_queries(3):
        response = api.get("clients/")
    assert len(response.json()["results"]) == 10


def test_staff_create_client_over_the_api(in_melhus: Tenant, home_care: Group, staff: User) -> None:
    response = Api(in_melhus, staff).post(
        "clients/",
        {
            "group": str(home_care.pk),
            "name": "Per Olsen",
            "phone": "912 34 568",
            "address": "Storgata 1",
            "consent_method": "representative",
            "consent_date": "2026-02-01",
        },
    )

    assert response.status_code == 201, response.content
    assert set(response.json()) == {"id", "name", "group", "created_at"}
    client = Client.objects.get()
    assert (client.phone, client.consent_method) == ("+4791234568", ConsentMethod.REPRESENTATIVE)


def test_bad_client_input_gets_field_messages_and_changes_nothing(
    in_melhus: Tenant, home_care: Group, staff: User
) -> None:
    api = Api(in_melhus, staff)

    shape = api.post("clients/", {"group": str(home_care.pk), "consent_method": "nodded"})
    rule = api.post(
        "clients/",
        {
            "group": str(home_care.pk),
            "name": "Per",
            "phone": "123",
            "consent_method": "verbal",
            "consent_date": "2999-01-01",
        },
    )

    assert shape.status_code == 400
    assert {"name", "consent_method", "consent_date"} <= set(shape.json())
    assert rule.status_code == 400
    assert {"phone", "consent_date"} <= set(rule.json())
    assert not Client.objects.exists()


def test_member_cannot_create_client(in_melhus: Tenant, home_care: Group) -> None:
    member = make_member(home_care).user
    response = Api(in_melhus, member).post(
        "clients/",
        {"group": str(home_care.pk), "name": "Per", "consent_method": "verbal", "consent_date": "2026-01-01"},
    )
    assert response.status_code == 403
    assert not Client.objects.exists()


def test_detail_shows_contact_and_writes_an_audit_row_each_time(
    in_melhus: Tenant, client_record: Client, staff: User
) -> None:
    api = Api(in_melhus, staff)

    first = api.get(f"clients/{client_record.pk}")
    second = api.get(f"clients/{client_record.pk}")

    assert first.status_code == second.status_code == 200
    body = first.json()
    assert (body["phone"], body["address"], body["notes"]) == (
        client_record.phone,
        client_record.address,
        client_record.notes,
    )
    assert (body["consent_method"], body["consent_date"]) == ("verbal", "2026-01-15")
    events = AuditEvent.objects.filter(action="client.contact_viewed", target_id=str(client_record.pk))
    assert events.count() == 2
    # The row carries the viewer and the IP of the request, written inside the service.
    assert {(event.actor_id, event.ip) for event in events} == {(staff.pk, "127.0.0.1")}


@pytest.mark.parametrize("who", ["member", "other-groups-staff", "resource-group-leader"])
def test_client_detail_is_404_for_people_outside_the_group(in_melhus: Tenant, client_record: Client, who: str) -> None:
    home_care = client_record.group
    person: User = {
        "member": lambda: make_member(home_care).user,
        "other-groups-staff": lambda: (
            make_member(make_group("Flyktningtjenesten", purpose=Purpose.NEED), role=Role.STAFF).user
        ),
        "resource-group-leader": lambda: make_member(make_group("Frivilligsentralen"), role=Role.LEADER).user,
    }[who]()
    api = Api(in_melhus, person)

    assert api.get(f"clients/{client_record.pk}").status_code == 404
    assert api.patch(f"clients/{client_record.pk}", {"name": "Taken"}).status_code == 404
    assert api.post(f"clients/{client_record.pk}/archive").status_code == 404
    assert api.get("clients/").json()["results"] == []
    assert _contact_views() == 0
    client_record.refresh_from_db()
    assert (client_record.name, client_record.archived_at) == ("Astrid Haugen", None)


def test_leader_updates_client_without_seeing_contact(in_melhus: Tenant, client_record: Client, leader: User) -> None:
    response = Api(in_melhus, leader).patch(f"clients/{client_record.pk}", {"notes": "Bruker rullator."})

    assert response.status_code == 200
    assert "notes" not in response.json()
    client_record.refresh_from_db()
    assert client_record.notes == "Bruker rullator."
    assert AuditEvent.objects.get(action="client.updated").data == {"fields": ["notes"]}
    assert _contact_views() == 0


def test_bad_update_is_400_and_changes_nothing(in_melhus: Tenant, client_record: Client, staff: User) -> None:
    response = Api(in_melhus, staff).patch(f"clients/{client_record.pk}", {"name": "Ny", "phone": "999"})

    assert response.status_code == 400
    assert "phone" in response.json()
    client_record.refresh_from_db()
    assert client_record.name == "Astrid Haugen"


def test_archived_client_is_gone_from_the_api(in_melhus: Tenant, client_record: Client, staff: User) -> None:
    api = Api(in_melhus, staff)

    archived = api.post(f"clients/{client_record.pk}/archive")

    assert archived.status_code == 204
    assert api.get(f"clients/{client_record.pk}").status_code == 404
    assert api.get("clients/").json()["results"] == []


def test_red_cross_people_get_nothing_of_melhus_clients(
    melhus: Tenant, red_cross: Tenant, client_record: Client
) -> None:
    # Given a Red Cross admin with a valid token at home...
    with in_schema(red_cross.schema_name):
        rc_admin = UserFactory.create(is_tenant_admin=True)
        rc_on_melhus = Api(melhus, rc_admin)
        rc_at_home = Api(red_cross, token=rc_on_melhus.headers["HTTP_AUTHORIZATION"].split()[1])

    # ...the token opens nothing on Melhus' host...
    assert rc_on_melhus.get("clients/").status_code == 401
    assert rc_on_melhus.get(f"clients/{client_record.pk}").status_code == 401
    # ...and Melhus' ids name nothing on Red Cross' host.
    assert rc_at_home.get("clients/").json()["results"] == []
    assert rc_at_home.get(f"clients/{client_record.pk}").status_code == 404
    assert rc_at_home.patch(f"clients/{client_record.pk}", {"name": "Taken"}).status_code == 404
    assert rc_at_home.post(f"clients/{client_record.pk}/archive").status_code == 404
    assert (
        rc_at_home.post(
            "clients/",
            {
                "group": str(client_record.group_id),
                "name": "X",
                "consent_method": "verbal",
                "consent_date": "2026-01-01",
            },
        ).status_code
        == 404
    )
    client_record.refresh_from_db()
    assert (client_record.name, client_record.archived_at) == ("Astrid Haugen", None)
    assert _contact_views() == 0
