"""Sentry gets the tenant and the error, never phone numbers, names, e-mails or request bodies."""

import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
import sentry_sdk
from django.test import Client, override_settings
from sentry_sdk.envelope import Envelope
from sentry_sdk.transport import Transport

from core.observability import SchemaLogFilter, init_sentry, scrub_event
from tenants.models import Tenant
from tests.conftest import in_schema

pytestmark = pytest.mark.django_db


class CapturingTransport(Transport):
    """Sentry's HTTP boundary replaced: envelopes are kept instead of sent."""

    def __init__(self, options: dict[str, Any] | None = None) -> None:
        super().__init__(options)
        self.envelopes: list[Envelope] = []

    def capture_envelope(self, envelope: Envelope) -> None:
        self.envelopes.append(envelope)


@pytest.fixture
def sentry() -> Iterator[CapturingTransport]:
    transport = CapturingTransport()
    init_sentry(dsn="https://public@sentry.example/1", environment="test", traces_sample_rate=0.0, transport=transport)
    yield transport
    sentry_sdk.init()  # a client with no DSN: nothing is sent any more


@override_settings(ROOT_URLCONF="tests.core.failing_urls")
def test_error_event_is_tagged_with_tenant_and_scrubbed(sentry: CapturingTransport, melhus: Tenant) -> None:
    client = Client(raise_request_exception=False, HTTP_HOST="melhus.localhost")

    response = client.post(
        "/fail/?phone=91234567",
        data=json.dumps({"name": "Kari Nordmann", "phone": "+47 912 34 567", "email": "kari@example.org"}),
        content_type="application/json",
        HTTP_COOKIE="sessionid=Zq7CookieValue",
    )
    sentry_sdk.flush()

    assert response.status_code == 500
    events = [item.payload.json for env in sentry.envelopes for item in env.items if item.type == "event"]
    assert len(events) == 1
    event = events[0]
    assert event is not None
    raw = json.dumps(event)
    assert event["tags"]["tenant"] == "melhus"
    assert "RuntimeError" in raw
    for personal in ("Kari", "Nordmann", "91234567", "912 34 567", "+47", "kari@example.org", "Zq7CookieValue"):
        assert personal not in raw, f"{personal!r} reached Sentry"
    assert event["request"].get("data") in (None, "[Filtered]")


def test_log_records_carry_the_schema_name(melhus: Tenant) -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "hello", None, None)
    with in_schema(melhus.schema_name):
        SchemaLogFilter().filter(record)
    assert record.schema_name == "melhus"  # type: ignore[attr-defined]


def test_scrubbing_keeps_the_identifiers_sentry_needs_intact() -> None:
    # Hex ids with long runs of decimal digits look like phone numbers to a naive pattern.
    event: dict[str, Any] = {
        "event_id": "0b91a27345678901c3d4e5f60718293a",
        "release": "2026.11.23",
        "contexts": {"trace": {"trace_id": "77140341926421011365159450170093", "span_id": "1234567890123456"}},
        "breadcrumbs": {"values": [{"message": "SMS to +47 912 34 567 failed", "data": {"to": "+4791234567"}}]},
        "extra": {"note": "call 070-174 06 05 or kari@example.org"},
    }

    scrubbed: dict[str, Any] = dict(scrub_event(event))  # type: ignore[arg-type]

    assert scrubbed["event_id"] == "0b91a27345678901c3d4e5f60718293a"
    assert scrubbed["release"] == "2026.11.23"
    assert scrubbed["contexts"]["trace"] == {
        "trace_id": "77140341926421011365159450170093",
        "span_id": "1234567890123456",
    }
    assert scrubbed["breadcrumbs"]["values"] == [{"message": "SMS to [Filtered] failed"}]
    assert scrubbed["extra"]["note"] == "call [Filtered] or [Filtered]"
