"""The public schema holds no citizen's personal data: whatever happens in a tenant stays in its schema."""

import pytest
from django.db import connection
from django.test import Client

from core.clients.services import do_create_client
from core.groups.models import Purpose, Role
from core.messaging.outbox import enqueue_sms
from tenants.models import Tenant
from tests.conftest import in_schema
from tests.factories import UserFactory, make_group, make_member

pytestmark = pytest.mark.django_db

MARKER = "Citizen-Marker-5e2a"


def _public_text() -> str:
    """Every value of every table in the public schema, as text."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' "
            "AND table_type = 'BASE TABLE'"
        )
        tables = [row[0] for row in cursor.fetchall()]
        chunks: list[str] = []
        for table in tables:
            cursor.execute(f'SELECT t::text FROM public."{table}" AS t')  # noqa: S608 - names from the catalog
            chunks.extend(row[0] for row in cursor.fetchall())
    return "\n".join(chunks)


def test_a_tenants_people_clients_and_messages_never_reach_the_public_schema(melhus: Tenant) -> None:
    # Given a member who signs up, a client record and an SMS, all in Melhus...
    with in_schema(melhus.schema_name):
        admin = UserFactory.create(is_tenant_admin=True)
        member = UserFactory.create(name=f"{MARKER} Member", phone="+4791112233", email="citizen@example.org")
        need = make_group(name=f"{MARKER} home care", purpose=Purpose.NEED)
        make_member(need, member, role=Role.STAFF)
        do_create_client(
            actor=admin,
            group=need,
            name=f"{MARKER} Client",
            phone="+4791112234",
            address=f"{MARKER} street 1",
            notes=MARKER,
            consent_method="written",
            consent_date=member.date_joined.date(),
        )
        enqueue_sms(to=member.phone, body=MARKER, kind="marker", recipient=member)
    # ...and the member using the API on Melhus' host
    client = Client(HTTP_HOST="melhus.localhost")
    with in_schema(melhus.schema_name):
        client.force_login(member)
    assert client.get("/api/v1/me/").status_code == 200

    # Then nothing of them is in any public table
    public = _public_text()
    for personal in (MARKER, "+4791112233", "4791112233", "+4791112234", "citizen@example.org"):
        assert personal not in public, f"{personal!r} is in the public schema"
