"""Ready for Citus schema sharding and a session pooler: keys, cross-schema references, settings."""

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection, models

pytestmark = pytest.mark.django_db

OUR_APPS = {"tenants", "accounts", "onboarding", "billing", "core"}


def test_no_foreign_key_crosses_schemas_in_the_catalog(melhus: object) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.conname, src.nspname, dst.nspname
            FROM pg_constraint c
            JOIN pg_class sr ON sr.oid = c.conrelid JOIN pg_namespace src ON src.oid = sr.relnamespace
            JOIN pg_class dr ON dr.oid = c.confrelid JOIN pg_namespace dst ON dst.oid = dr.relnamespace
            WHERE c.contype = 'f' AND src.nspname NOT IN ('pg_catalog', 'information_schema')
            """
        )
        foreign_keys = cursor.fetchall()
    crossing = [fk for fk in foreign_keys if fk[1] != fk[2]]
    inside_tenants = [fk for fk in foreign_keys if fk[1] == "melhus"]

    assert inside_tenants, "expected foreign keys inside a tenant schema; is the catalog query right?"
    assert crossing == []


def test_no_model_refers_across_the_tenant_public_boundary() -> None:
    shared_only = {a.rsplit(".", 1)[-1] for a in settings.SHARED_APPS} - {
        a.rsplit(".", 1)[-1] for a in settings.TENANT_APPS
    }
    tenant_only = {a.rsplit(".", 1)[-1] for a in settings.TENANT_APPS} - {
        a.rsplit(".", 1)[-1] for a in settings.SHARED_APPS
    }
    crossings = []
    for model in apps.get_models():
        side = model._meta.app_label
        for field in model._meta.get_fields():
            if not (field.is_relation and field.concrete and field.related_model):
                continue
            target = field.related_model._meta.app_label
            if (side in shared_only and target in tenant_only) or (side in tenant_only and target in shared_only):
                crossings.append(f"{model._meta.label}.{field.name} -> {field.related_model._meta.label}")
    assert crossings == []


def test_our_primary_keys_are_bigint_or_uuid() -> None:
    ours = [m for m in apps.get_models() if m._meta.app_label in OUR_APPS]
    assert ours
    wrong = [m._meta.label for m in ours if not isinstance(m._meta.pk, models.BigAutoField | models.UUIDField)]
    assert wrong == []
    assert settings.DEFAULT_AUTO_FIELD == "django.db.models.BigAutoField"


def test_search_path_is_set_once_per_connection_not_per_cursor() -> None:
    assert settings.TENANT_LIMIT_SET_CALLS is True


def test_no_app_is_accidentally_in_both_schemas() -> None:
    both = {a for a in settings.SHARED_APPS if a in settings.TENANT_APPS}
    # Identity tables are deliberately per schema (docs/adr/0003); anything else would shadow.
    assert both == set(settings.IDENTITY_APPS)
