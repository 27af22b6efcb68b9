"""Files are stored per tenant: a path in one tenant can never name another tenant's file."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages
from django.test import override_settings

from tenants.models import Tenant
from tests.conftest import in_schema

pytestmark = pytest.mark.django_db


def _storage() -> Storage:
    # A fresh instance, so it reads the overridden MEDIA_ROOT.
    return storages.create_storage(settings.STORAGES["default"])


def test_files_of_one_tenant_are_invisible_to_another(tmp_path: Path, melhus: Tenant, red_cross: Tenant) -> None:
    with override_settings(MEDIA_ROOT=str(tmp_path)):
        with in_schema(melhus.schema_name):
            name = _storage().save("exports/members.csv", ContentFile(b"Kari Nordmann,+4791234567"))
            melhus_path = Path(_storage().path(name))

        with in_schema(red_cross.schema_name):
            storage = _storage()
            assert not storage.exists(name)
            with pytest.raises(SuspiciousFileOperation):
                storage.path(f"../{melhus.schema_name}/{name}")

    assert melhus_path.is_relative_to(tmp_path / melhus.schema_name)
    assert melhus_path.read_bytes() == b"Kari Nordmann,+4791234567"
