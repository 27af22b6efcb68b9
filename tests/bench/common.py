"""Shared benchmark plumbing: a throw-away scratch database, Django set-up and small helpers."""

from __future__ import annotations

import os
import signal
import statistics
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

REPO = Path(__file__).resolve().parents[2]
SETTINGS_MODULE = "core.settings.local"
# Tells the bypassed server (tests/bench/bypass.py) the schema of the one tenant it serves.
TENANT_SCHEMA_ENV = "BENCH_TENANT_SCHEMA"


def log(message: str) -> None:
    """Progress goes to stderr so that stdout carries only the results."""
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def require_env(name: str) -> str:
    value = os.environ.get(name, "")
    if not value:
        sys.exit(
            f"{name} is not set. Point it at a development server, or run the benchmark under "
            "`python infra/services.py run [--need-redis] -- ...`, which starts one and sets it."
        )
    return value


def with_database(url: str, name: str) -> str:
    """The same server URL (user, host, port, query) with another database name."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


@contextmanager
def scratch_database(server_url: str, name: str) -> Iterator[str]:
    """Create database `name` on the server of `server_url`, yield its URL, drop it at the end.

    A leftover from an interrupted run is dropped first, so every run starts from nothing. The
    database named in `server_url` (the developer's) is never connected to.
    """
    maintenance_url = with_database(server_url, "postgres")
    ident = sql.Identifier(name)
    # CREATE/DROP DATABASE cannot run inside a transaction block, hence autocommit.
    with psycopg.connect(maintenance_url, autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(ident))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(ident))
    log(f"created scratch database {name}")
    try:
        yield with_database(server_url, name)
    finally:
        _close_django_connections()
        with psycopg.connect(maintenance_url, autocommit=True) as admin:
            # FORCE: a server we started may still hold a connection if it died uncleanly.
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(ident))
        log(f"dropped scratch database {name}")


def _close_django_connections() -> None:
    if "django.db" in sys.modules:
        from django.db import connections

        connections.close_all()


def setup_django(database_url: str, *, redis_url: str | None = None) -> None:
    """Set up Django in this process against the scratch database and migrate its public schema.

    Without `redis_url` the caches are per-process memory, so the run never writes to a shared
    Redis (tenant writes bump the routing generation there otherwise).
    """
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS_MODULE
    os.environ["DATABASE_URL"] = database_url
    if redis_url is None:
        os.environ.pop("REDIS_URL", None)
    else:
        os.environ["REDIS_URL"] = redis_url
    # Error reports of a benchmark must not reach the team's Sentry project.
    os.environ["SENTRY_DSN"] = ""
    # Migration and provisioning INFO lines would drown the results.
    os.environ.setdefault("LOG_LEVEL", "WARNING")

    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)


def norwegian_org_numbers(start: int = 910_000_000) -> Iterator[str]:
    """Valid Norwegian organisation numbers (9 digits, mod-11 check digit), in increasing order."""
    from stdnum.no import orgnr

    number = start
    while number <= 999_999_999:
        candidate = str(number)
        if orgnr.is_valid(candidate):
            yield candidate
        number += 1
    raise RuntimeError("ran out of organisation numbers")


def median_min_max(values: Sequence[float]) -> tuple[float, float, float]:
    return statistics.median(values), min(values), max(values)


def raise_on_sigterm() -> None:
    """Turn SIGTERM/SIGHUP into KeyboardInterrupt so `finally` blocks clean up as on Ctrl-C."""

    def handler(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGHUP, handler)
