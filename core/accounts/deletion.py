"""Deleting people in a schema that lacks some of the tables pointing at them.

The user table exists in every schema (docs/adr/0003), but the tables of tenant-only apps that
refer to a user (memberships, outbox, allauth's addresses...) exist only in tenant schemas. Django's
deletion collector would look for related rows in those missing tables when vendor staff are deleted
in `public`; this collector skips tables that the current schema does not have.
"""

from collections.abc import Iterable
from functools import cache
from typing import Any

from django.conf import settings
from django.db import models, router
from django.db.models.deletion import Collector

from tenants.db import current_schema


@cache
def _shared_app_labels() -> frozenset[str]:
    from django.apps import apps

    return frozenset(apps.get_app_config(name.rsplit(".", 1)[-1]).label for name in settings.SHARED_APPS)


def has_table_in_current_schema(model: type[models.Model]) -> bool:
    if current_schema() != settings.PUBLIC_SCHEMA_NAME:
        return True
    return model._meta.app_label in _shared_app_labels()


class SchemaAwareCollector(Collector):
    def related_objects(
        self, related_model: type[models.Model], related_fields: Iterable[Any], objs: Any
    ) -> models.QuerySet[Any]:
        if not has_table_in_current_schema(related_model):
            return related_model._base_manager.using(self.using).none()
        return super().related_objects(related_model, related_fields, objs)


def delete_queryset(queryset: models.QuerySet[Any]) -> tuple[int, dict[str, int]]:
    """QuerySet.delete() with the schema-aware collector (same checks as Django's)."""
    del_query = queryset._chain()  # type: ignore[attr-defined]
    del_query._for_write = True
    del_query.query.select_for_update = False
    del_query.query.select_related = False
    del_query.query.clear_ordering(force=True)
    collector = SchemaAwareCollector(using=del_query.db, origin=queryset)
    collector.collect(del_query)
    return collector.delete()


def delete_instance(instance: models.Model, using: str | None = None) -> tuple[int, dict[str, int]]:
    """Model.delete() with the schema-aware collector."""
    using = using or router.db_for_write(type(instance), instance=instance)
    collector = SchemaAwareCollector(using=using, origin=instance)
    collector.collect([instance])
    return collector.delete()
