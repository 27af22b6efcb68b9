"""With Django's native connection pool, one physical connection serves tenants in turn correctly."""

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection
from pytest_django import DjangoDbBlocker
from rest_framework.authtoken.models import Token

from core.accounts.models import User
from tests.conftest import in_schema

ROOT = Path(__file__).resolve().parents[2]

# Runs in a child process, so the pool is real (tests otherwise hold one connection per thread).
_SCRIPT = """
import json, os, sys
import django
django.setup()
from django.db import connection
from django.test import Client
tokens = json.loads(sys.argv[1])
names = []
for slug in ["melhus", "red-cross", "red-cross", "melhus", "red-cross", "melhus"]:
    response = Client(HTTP_HOST=f"{slug}.localhost", HTTP_AUTHORIZATION=f"Token {tokens[slug]}").get("/api/v1/me/")
    names.append(response.json().get("name", response.status_code))
pool = connection.pool
print(json.dumps({"names": names, "pool_max": pool.max_size}))
"""


@pytest.fixture
def tokens(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[dict[str, str]]:
    with django_db_blocker.unblock():
        keys = {}
        for slug, schema in (("melhus", "melhus"), ("red-cross", "red_cross")):
            with in_schema(schema):
                user = User.objects.create_user("+4795555551", f"Pooled in {slug}")
                keys[slug] = Token.objects.create(user=user).key
        yield keys
        for schema in ("melhus", "red_cross"):
            with in_schema(schema):
                User.objects.filter(phone="+4795555551").delete()


def test_pooled_connection_never_serves_one_tenant_with_anothers_search_path(tokens: dict[str, str]) -> None:
    settings = connection.settings_dict
    url = f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/{settings['NAME']}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "core.settings.local",
        "DATABASE_URL": url,
        "DATABASE_POOL": "true",
        "DATABASE_POOL_MIN": "1",
        "DATABASE_POOL_MAX": "1",
        "DEBUG": "false",
        "SECRET_KEY": "pool-test",
    }

    result = subprocess.run(
        [sys.executable, "-c", _SCRIPT, json.dumps(tokens)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome["pool_max"] == 1
    assert outcome["names"] == [
        "Pooled in melhus",
        "Pooled in red-cross",
        "Pooled in red-cross",
        "Pooled in melhus",
        "Pooled in red-cross",
        "Pooled in melhus",
    ]
