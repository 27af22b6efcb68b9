"""Uploaded files go to a temporary MEDIA_ROOT, never the developer's."""

from collections.abc import Iterator
from io import BytesIO
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings
from PIL import Image


@pytest.fixture
def media_root(tmp_path: Path) -> Iterator[Path]:
    # A new STORAGES makes Django build a fresh default storage, which reads the new MEDIA_ROOT.
    with override_settings(MEDIA_ROOT=str(tmp_path), STORAGES={**settings.STORAGES}):
        yield tmp_path


def picture(kind: str = "PNG", size: tuple[int, int] = (8, 4), **save: object) -> bytes:
    buffer = BytesIO()
    Image.new("RGB", size, (11, 83, 148)).save(buffer, format=kind, **save)
    return buffer.getvalue()
