"""Reading who was told of one occurrence (an announcement, a request) uses an index, not a scan."""

from django.db import connection

from tenants.models import Tenant
from tests.conftest import in_schema


def test_notifications_are_indexed_by_occurrence(melhus: Tenant) -> None:
    with in_schema(melhus.schema_name), connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, "notifications_notification")
    indexed = [spec["columns"] for spec in constraints.values() if spec["index"]]
    assert ["event", "key"] in indexed
