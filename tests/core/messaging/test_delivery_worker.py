"""Delivery on a real Celery worker and real Redis: outages, duplicates, rollbacks, tenants, priority.

Rows are committed for real (the worker thread has its own connection) and removed afterwards.
"""

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.db import connection, transaction

from core.celery import app
from core.messaging.backends.filebased import read_sent_sms
from core.messaging.models import OutboxMessage, Priority, Status
from core.messaging.outbox import enqueue_sms
from core.messaging.tasks import deliver, sweep
from tenants.tasks import fan_out
from tests.conftest import in_schema

from .conftest import SCHEMAS, wait_until
from .fake_elks import FakeElks

ROOT = Path(__file__).resolve().parents[3]
Worker = Callable[[], AbstractContextManager[None]]

pytestmark = pytest.mark.usefixtures("fast_retries")


class RollbackError(Exception):
    """Raised to roll back the transaction around it."""


def _enqueue_and_roll_back() -> None:
    with in_schema("melhus"), transaction.atomic():
        enqueue_sms(to="+4790000001", body="never", kind="test")
        raise RollbackError


def _enqueue(schema: str, body: str, **options: object) -> OutboxMessage:
    """Queue an SMS in its own committed transaction, as a service would."""
    with in_schema(schema), transaction.atomic():
        return enqueue_sms(to="+4790000001", body=body, kind="test", **options)  # type: ignore[arg-type]


def _rows(schema: str) -> list[OutboxMessage]:
    with in_schema(schema):
        return list(OutboxMessage.objects.all())


def _all_rows() -> list[OutboxMessage]:
    return [row for schema in SCHEMAS for row in _rows(schema)]


def _status(schema: str, message: OutboxMessage) -> str:
    with in_schema(schema):
        return OutboxMessage.objects.get(pk=message.pk).status


def _sent(schema: str, message: OutboxMessage) -> Callable[[], bool]:
    return lambda: _status(schema, message) == Status.SENT


def _flush(worker_queue_schema: str = "melhus") -> None:
    """Wait until the worker has run every task queued so far (same priority: first in, first out)."""
    marker = _enqueue(worker_queue_schema, "flush marker")
    assert wait_until(_sent(worker_queue_schema, marker)), "the worker never reached the marker"


def test_messages_queued_while_the_provider_is_down_are_each_delivered_once_after_it_recovers(
    worker: Worker, fake_elks: FakeElks
) -> None:
    # Given a provider that answers 503 and messages queued in both tenants
    fake_elks.status = 503
    bodies = [f"{schema} message {number}" for schema in SCHEMAS for number in range(6)]
    for body in bodies:
        _enqueue(body.split()[0], body)

    with worker():
        # While it is down, every row waits with its attempts, backoff and the reason
        assert wait_until(lambda: all(row.attempts >= 2 for row in _all_rows())), "rows were not retried"
        for row in _all_rows():
            assert row.status in (Status.PENDING, Status.SENDING)
            assert row.last_error == "46elks HTTP 503"
            assert row.next_attempt_at > row.created_at
        assert fake_elks.accepted == []

        # When it recovers
        fake_elks.status = 200
        assert wait_until(lambda: all(row.status == Status.SENT for row in _all_rows())), "not all were sent"
        # Retries scheduled during the outage are still due to run; they must find nothing to do.
        time.sleep(1.5)

    # Then every message went out exactly once, none lost, none twice
    assert sorted(sms["message"] for sms in fake_elks.accepted) == sorted(bodies)
    provider_ids = {sms["message"]: sms["id"] for sms in fake_elks.accepted}
    for row in _all_rows():
        assert row.provider_id == provider_ids[row.body]
        assert row.attempts >= 2
    assert fake_elks.requests > len(bodies)


def test_a_permanent_failure_on_the_worker_fails_the_row_without_retrying(worker: Worker, fake_elks: FakeElks) -> None:
    fake_elks.status = 400
    message = _enqueue("melhus", "to a number the provider refuses")

    with worker():
        assert wait_until(lambda: _status("melhus", message) == Status.FAILED)
        time.sleep(0.5)

    assert fake_elks.requests == 1
    assert _rows("melhus")[0].attempts == 1


def test_a_message_written_in_a_transaction_that_rolls_back_is_never_sent(worker: Worker) -> None:
    # Given a message whose transaction rolls back
    with pytest.raises(RollbackError):
        _enqueue_and_roll_back()

    # When the worker runs, and the sweep after it
    with worker():
        _flush()
        with in_schema("melhus"):
            sweep.delay()
        _flush()

    # Then only the markers went out
    assert [record["body"] for record in read_sent_sms()] == ["flush marker", "flush marker"]
    assert {row.body for row in _rows("melhus")} == {"flush marker"}


def test_duplicate_tasks_for_one_row_send_it_once(worker: Worker) -> None:
    # Given a queued message whose task the broker delivers three times, and a sweep on top
    message = _enqueue("melhus", "only once")
    with in_schema("melhus"):
        deliver.delay(str(message.pk))
        deliver.delay(str(message.pk))
        sweep.delay()

    # When the worker runs them all
    with worker():
        assert wait_until(_sent("melhus", message))
        _flush()

    # Then the message went out once, at its first attempt
    assert [record["body"] for record in read_sent_sms()].count("only once") == 1
    assert _rows("melhus")[0].attempts == 1


def test_a_task_sent_from_one_tenant_cannot_deliver_another_tenants_row(worker: Worker) -> None:
    # Given a message that exists only in Red Cross' schema, with no task queued for it
    with in_schema("red_cross"):
        theirs = OutboxMessage.objects.create(medium="sms", to="+4790000002", body="Red Cross only", kind="test")

    # When a task for its id is sent from Melhus
    with in_schema("melhus"):
        deliver.delay(str(theirs.pk))
    with worker():
        _flush("melhus")

    # Then nothing was sent and Red Cross' row is untouched
    assert [record["tenant"] for record in read_sent_sms()] == ["melhus"]
    row = _rows("red_cross")[0]
    assert (row.status, row.attempts, row.body) == (Status.PENDING, 0, "Red Cross only")


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_a_message_committed_while_the_broker_is_unreachable_is_sent_by_the_sweep(worker: Worker) -> None:
    # Given a process whose broker is unreachable commits a message (as a web request would)
    url = urlsplit(os.environ["DATABASE_URL"])
    test_database = urlunsplit(url._replace(path="/" + str(connection.settings_dict["NAME"])))
    script = (
        "from django.db import transaction\n"
        "from django_tenants.utils import schema_context\n"
        "from core.messaging.outbox import enqueue_sms\n"
        "with schema_context('melhus'), transaction.atomic():\n"
        "    enqueue_sms(to='+4790000003', body='while Redis was down', kind='test')\n"
        "print('committed')\n"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "core.settings.test",
            "DATABASE_URL": test_database,
            "CELERY_BROKER_URL": f"redis://127.0.0.1:{_closed_port()}/0",
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    # Then the caller's commit stood (dispatch did not raise) and the row waits
    assert result.returncode == 0, result.stderr
    assert "committed" in result.stdout
    assert "could not be dispatched" in result.stderr
    [row] = _rows("melhus")
    assert (row.status, row.attempts) == (Status.PENDING, 0)

    # When beat's sweep fans out to every tenant with a worker running
    with worker():
        fan_out.delay("messaging.sweep")
        assert wait_until(_sent("melhus", row))

    # Then it went out once
    assert [record["body"] for record in read_sent_sms()] == ["while Redis was down"]


def test_a_login_code_overtakes_a_backlog_of_ordinary_messages(worker: Worker) -> None:
    # Given 30 ordinary messages waiting in the broker while no worker runs, then a login code
    app.control.purge()
    for number in range(30):
        _enqueue("melhus", f"newsletter {number}")
    code = _enqueue("melhus", "Koden din er 123456", priority=Priority.HIGH, sensitive=True)

    # When a worker starts
    with worker():
        assert wait_until(lambda: all(row.status == Status.SENT for row in _rows("melhus")))

    # Then the code was among the very first sent, ahead of most of the backlog
    order = [row.pk for row in sorted(_rows("melhus"), key=lambda row: row.sent_at or row.created_at)]
    assert order.index(code.pk) <= 2, f"the code was sent as number {order.index(code.pk) + 1} of 31"
    assert read_sent_sms()[order.index(code.pk)]["body"] == "Koden din er 123456"
