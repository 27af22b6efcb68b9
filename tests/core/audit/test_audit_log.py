"""The audit log: admins read and filter it, nobody else does, and no code path can change a row."""

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, connection, transaction
from pytest_django import DjangoAssertNumQueries

from core.accounts.models import User
from core.audit.models import AuditEvent
from core.audit.selectors import AuditFilters, audit_events_for
from core.audit.services import record
from core.groups.models import Role
from tenants.models import Tenant
from tests.conftest import Api, in_schema
from tests.factories import UserFactory, make_group, make_member

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def admin(in_melhus: Tenant) -> User:
    return UserFactory.create(is_tenant_admin=True)


@pytest.fixture
def nurse(in_melhus: Tenant) -> User:
    return UserFactory.create(name="Sykepleier Siri")


@pytest.fixture
def events(admin: User, nurse: User) -> dict[str, AuditEvent]:
    """A small log: who did what, to which row, for whom, when."""
    client_id, other_client_id, request_id = (str(uuid.uuid4()) for _ in range(3))

    def event(minutes: int, action: str, actor: User | None, **fields: Any) -> AuditEvent:
        return AuditEvent.objects.create(at=T0 + timedelta(minutes=minutes), action=action, actor=actor, **fields)

    return {
        "created": event(0, "client.created", nurse, target_type="client", target_id=client_id),
        "viewed": event(10, "client.contact_viewed", nurse, target_type="client", target_id=client_id),
        "other": event(20, "client.contact_viewed", admin, target_type="client", target_id=other_client_id),
        "posted": event(
            30,
            "request.posted",
            nurse,
            target_type="request",
            target_id=request_id,
            on_behalf_of_type="client",
            on_behalf_of_id=client_id,
        ),
        "system": event(40, "membership.lapsed", None, target_type="membership", target_id=str(uuid.uuid4())),
    }


def _actions(response: Any) -> list[str]:
    return [row["action"] for row in response.json()["results"]]


# --- Who may read it ---------------------------------------------------------------------------


def test_admin_reads_the_log_newest_first(in_melhus: Tenant, admin: User, events: dict[str, AuditEvent]) -> None:
    response = Api(in_melhus, admin).get("audit/")

    assert response.status_code == 200
    rows = response.json()["results"]
    assert [row["id"] for row in rows] == [
        events[name].pk for name in ("system", "posted", "other", "viewed", "created")
    ]
    posted = rows[1]
    assert posted["actor"]["id"] == str(events["posted"].actor_id)
    assert (posted["on_behalf_of_type"], posted["on_behalf_of_id"]) == ("client", events["posted"].on_behalf_of_id)
    assert rows[0]["actor"] is None  # a system action


@pytest.mark.parametrize("who", ["member", "leader", "staff"])
def test_nobody_but_admins_reads_the_log(in_melhus: Tenant, events: dict[str, AuditEvent], who: str) -> None:
    person = make_member(make_group("Hjemmetjenesten"), role=Role(who)).user

    response = Api(in_melhus, person).get("audit/", {"actor": "not-a-uuid"})

    assert response.status_code == 403
    assert "client" not in response.content.decode()
    with pytest.raises(PermissionDenied):
        audit_events_for(viewer=person)


def test_anonymous_gets_nothing(in_melhus: Tenant, events: dict[str, AuditEvent]) -> None:
    assert Api(in_melhus).get("audit/").status_code in (401, 403)


# --- Filters -----------------------------------------------------------------------------------


def test_filter_by_actor(in_melhus: Tenant, admin: User, events: dict[str, AuditEvent]) -> None:
    response = Api(in_melhus, admin).get("audit/", {"actor": str(admin.pk)})
    assert _actions(response) == ["client.contact_viewed"]


def test_filter_by_exact_action_and_by_prefix(in_melhus: Tenant, admin: User, events: dict[str, AuditEvent]) -> None:
    api = Api(in_melhus, admin)

    assert _actions(api.get("audit/", {"action": "client.created"})) == ["client.created"]
    assert _actions(api.get("audit/", {"action": "client"})) == []  # exact means exact
    assert _actions(api.get("audit/", {"action_prefix": "client."})) == [
        "client.contact_viewed",
        "client.contact_viewed",
        "client.created",
    ]


def test_filter_by_target(in_melhus: Tenant, admin: User, events: dict[str, AuditEvent]) -> None:
    client_id = events["created"].target_id

    response = Api(in_melhus, admin).get("audit/", {"target_type": "client", "target_id": client_id})

    assert _actions(response) == ["client.contact_viewed", "client.created"]


def test_filter_by_on_behalf_of(in_melhus: Tenant, admin: User, events: dict[str, AuditEvent]) -> None:
    client_id = events["created"].target_id

    response = Api(in_melhus, admin).get("audit/", {"on_behalf_of_type": "client", "on_behalf_of_id": client_id})

    assert _actions(response) == ["request.posted"]


def test_filter_by_time_window(in_melhus: Tenant, admin: User, events: dict[str, AuditEvent]) -> None:
    # since is inclusive, until exclusive: 12:10 <= at < 12:30.
    response = Api(in_melhus, admin).get(
        "audit/", {"since": (T0 + timedelta(minutes=10)).isoformat(), "until": (T0 + timedelta(minutes=30)).isoformat()}
    )
    assert [row["id"] for row in response.json()["results"]] == [events["other"].pk, events["viewed"].pk]


def test_filters_combine(admin: User, nurse: User, events: dict[str, AuditEvent]) -> None:
    found = audit_events_for(
        viewer=admin, filters=AuditFilters(actor=nurse.pk, action_prefix="client.", since=T0 + timedelta(minutes=5))
    )
    assert list(found) == [events["viewed"]]


@pytest.mark.parametrize(
    "params",
    [{"actor": "not-a-uuid"}, {"since": "yesterday"}, {"since": "2026-03-02T00:00:00Z", "until": "2026-03-01T00:00Z"}],
)
def test_bad_filters_get_400(in_melhus: Tenant, admin: User, params: dict[str, str]) -> None:
    response = Api(in_melhus, admin).get("audit/", params)
    assert response.status_code == 400
    assert set(response.json()) <= {"actor", "since", "until"}


def test_log_is_cursor_paginated(in_melhus: Tenant, admin: User, events: dict[str, AuditEvent]) -> None:
    api = Api(in_melhus, admin)

    first = api.get("audit/", {"page_size": 2}).json()
    second = api.get(first["next"].split("/api/v1/", 1)[1]).json()

    assert [row["id"] for row in first["results"]] == [events["system"].pk, events["posted"].pk]
    assert [row["id"] for row in second["results"]] == [events["other"].pk, events["viewed"].pk]


def test_log_list_has_a_fixed_number_of_queries(
    in_melhus: Tenant, admin: User, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    for _ in range(20):
        record(action="client.contact_viewed", actor=UserFactory.create())
    api = Api(in_melhus, admin)

    with django_assert_max_num_queries(3):
        response = api.get("audit/")
    assert len(response.json()["results"]) == 20
    assert all(row["actor"]["name"] for row in response.json()["results"])


# --- Append-only -------------------------------------------------------------------------------


def test_orm_refuses_to_change_or_delete_a_row(events: dict[str, AuditEvent]) -> None:
    row = events["viewed"]

    row.action = "nothing.happened"
    with pytest.raises(RuntimeError, match="append-only"):
        row.save()
    with pytest.raises(RuntimeError, match="append-only"):
        row.delete()
    with pytest.raises(RuntimeError, match="append-only"):
        AuditEvent.objects.filter(pk=row.pk).update(action="nothing.happened")
    with pytest.raises(RuntimeError, match="append-only"):
        AuditEvent.objects.filter(pk=row.pk).delete()
    with pytest.raises(RuntimeError, match="append-only"):
        AuditEvent.objects.all().delete()

    assert AuditEvent.objects.get(pk=row.pk).action == "client.contact_viewed"


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditevent SET action = 'nothing.happened' WHERE id = %s",
        "DELETE FROM audit_auditevent WHERE id = %s",
    ],
    ids=["update", "delete"],
)
def test_database_refuses_to_change_or_delete_a_row(events: dict[str, AuditEvent], sql: str) -> None:
    # Given someone who goes around the ORM with plain SQL...
    row = events["viewed"]

    # ...then the database's trigger refuses, whatever the code path.
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [row.pk])

    assert AuditEvent.objects.get(pk=row.pk).action == "client.contact_viewed"


def test_database_accepts_new_rows(admin: User) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO audit_auditevent (at, action, target_type, target_id, on_behalf_of_type, on_behalf_of_id,"
            " data) VALUES (now(), 'test.inserted', '', '', '', '', '{}')"
        )
    assert AuditEvent.objects.filter(action="test.inserted").exists()


# --- Isolation ---------------------------------------------------------------------------------


def test_red_cross_admin_reads_nothing_of_melhus_log(
    melhus: Tenant, red_cross: Tenant, events: dict[str, AuditEvent]
) -> None:
    # Given a Red Cross admin with a valid token at home, and one event of their own...
    with in_schema(red_cross.schema_name):
        rc_admin = UserFactory.create(is_tenant_admin=True)
        record(action="group.created", actor=rc_admin)
        rc_on_melhus = Api(melhus, rc_admin)
        rc_at_home = Api(red_cross, token=rc_on_melhus.headers["HTTP_AUTHORIZATION"].split()[1])

    # ...their token opens nothing on Melhus' host...
    assert rc_on_melhus.get("audit/").status_code == 401
    # ...and at home they see only their own tenant's log, whatever Melhus' ids they filter by.
    assert _actions(rc_at_home.get("audit/")) == ["group.created"]
    melhus_actor = str(events["viewed"].actor_id)
    assert _actions(rc_at_home.get("audit/", {"actor": melhus_actor})) == []
    assert _actions(rc_at_home.get("audit/", {"target_id": events["viewed"].target_id})) == []
