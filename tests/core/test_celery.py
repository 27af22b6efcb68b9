"""A real Celery worker on a real Redis runs each task in the schema it was sent from."""

import os
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from celery.contrib.testing.worker import start_worker
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone
from pytest_django import DjangoDbBlocker

from core.accounts.tasks import clear_expired_sessions
from core.celery import app
from tenants.db import use_public_schema
from tenants.models import Domain, Tenant, TenantStatus
from tenants.services import do_register_tenant
from tenants.tasks import fan_out, provision
from tests.conftest import in_schema


@pytest.fixture
def worker(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[None]:
    """A worker thread consuming from the real broker, with committed data it can see."""
    assert os.environ.get("REDIS_URL"), "the Celery tests need a real Redis: run them through infra/test"
    with (
        django_db_blocker.unblock(),
        start_worker(app, pool="solo", perform_ping_check=False, loglevel="WARNING", shutdown_timeout=30),
    ):
        yield
        use_public_schema()
        for tenant in Tenant.objects.all():
            with in_schema(tenant.schema_name):
                Session.objects.all().delete()


def _sessions(schema: str, *, expired: int, live: int) -> None:
    with in_schema(schema):
        for index in range(expired + live):
            store = SessionStore()
            store["n"] = index
            store.set_expiry(-3600 if index < expired else 3600)
            store.create()
        # set_expiry(-3600) is relative to now; make the expired ones clearly in the past.
        Session.objects.filter(expire_date__lt=timezone.now() + timedelta(seconds=1)).update(
            expire_date=timezone.now() - timedelta(days=1)
        )


def _count(schema: str) -> int:
    with in_schema(schema):
        return Session.objects.count()


def _wait_until(predicate: Callable[[], bool], seconds: float = 20) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return predicate()


def test_task_sent_from_a_tenant_runs_in_that_schema_only(worker: None) -> None:
    _sessions("melhus", expired=3, live=2)
    _sessions("red_cross", expired=4, live=1)

    with in_schema("melhus"):
        clear_expired_sessions.delay()

    assert _wait_until(lambda: _count("melhus") == 2), "the worker never cleared Melhus' expired sessions"
    time.sleep(0.5)  # give a wrongly routed task time to do damage elsewhere
    assert _count("red_cross") == 5
    with in_schema("public"):
        assert Session.objects.count() == 0


def test_periodic_fan_out_reaches_every_active_tenant(worker: None) -> None:
    _sessions("melhus", expired=2, live=1)
    _sessions("red_cross", expired=2, live=3)

    fan_out.delay("accounts.clear_expired_sessions")

    assert _wait_until(lambda: _count("melhus") == 1 and _count("red_cross") == 3)


def test_every_scheduled_job_names_a_registered_public_task() -> None:
    from django.conf import settings

    schedule: dict[str, dict[str, Any]] = settings.CELERY_BEAT_SCHEDULE
    scheduled = {entry["task"] for entry in schedule.values()}
    fanned_out = {arg for entry in schedule.values() for arg in entry.get("args", ())}
    app.loader.import_default_modules()
    assert scheduled <= set(app.tasks)
    assert fanned_out <= set(app.tasks)


def test_background_provisioning_makes_a_registered_tenant_active(worker: None) -> None:
    tenant = do_register_tenant(
        slug="froya", name="Frøya kommune", kind="municipality", country="NO", language="nb", org_number="938726027"
    )
    try:
        provision.delay(tenant.pk)

        assert _wait_until(lambda: Tenant.objects.get(pk=tenant.pk).status == TenantStatus.ACTIVE, seconds=60)
        assert Domain.objects.filter(tenant=tenant, domain="froya.localhost").exists()
    finally:
        use_public_schema()
        Tenant.objects.get(pk=tenant.pk).delete(force_drop=True)
