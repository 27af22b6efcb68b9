"""Fixtures of the messaging tests: a private SMS file, a fake 46elks, a real worker on real Redis."""

import os
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import pytest
from celery.contrib.testing.worker import start_worker
from pytest_django import DjangoDbBlocker
from pytest_django.fixtures import Settings

from core.celery import app
from core.messaging.models import OutboxMessage
from tests.conftest import in_schema

from .fake_elks import FakeElks

SCHEMAS = ("melhus", "red_cross")


@pytest.fixture(autouse=True)
def sms_file(settings: Settings, tmp_path: Path) -> Path:
    """Every test writes its SMS to a file of its own."""
    path = tmp_path / "sms.jsonl"
    settings.SMS_BACKEND = "core.messaging.backends.filebased.FileBackend"
    settings.SMS_FILE_PATH = path
    return path


@pytest.fixture
def fake_elks(settings: Settings) -> Iterator[FakeElks]:
    """A fake 46elks on 127.0.0.1, with the 46elks backend configured to use it."""
    fake = FakeElks().start()
    settings.SMS_BACKEND = "core.messaging.backends.elks.ElksBackend"
    settings.SMS_46ELKS_API_URL = fake.url
    settings.SMS_46ELKS_USERNAME = fake.username
    settings.SMS_46ELKS_PASSWORD = fake.password
    yield fake
    fake.stop()


@pytest.fixture
def fast_retries(settings: Settings) -> None:
    """Backoff in tenths of a second instead of minutes, so a test can watch several retries."""
    settings.OUTBOX_RETRY_BASE_SECONDS = 0.2
    settings.OUTBOX_RETRY_MAX_SECONDS = 0.8
    settings.OUTBOX_MAX_ATTEMPTS = 100
    settings.OUTBOX_SWEEP_GRACE_SECONDS = 0


@pytest.fixture
def committed(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[None]:
    """Data the worker thread can see: written and committed for real, removed afterwards."""
    with django_db_blocker.unblock():
        yield
        for schema in SCHEMAS:
            with in_schema(schema):
                OutboxMessage.objects.all().delete()


@pytest.fixture
def worker(committed: None) -> Callable[[], AbstractContextManager[None]]:
    """Start a real worker (a thread consuming from the real broker) when the test says so."""
    assert os.environ.get("REDIS_URL"), "the worker tests need a real Redis: run them through infra/test"

    @contextmanager
    def running() -> Iterator[None]:
        with start_worker(app, pool="solo", perform_ping_check=False, loglevel="WARNING", shutdown_timeout=30):
            yield

    return running


def wait_until(predicate: Callable[[], bool], seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()
