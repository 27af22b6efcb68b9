"""Error reporting and logs that name the tenant and never carry personal data."""

import logging
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

import sentry_sdk
from django.http import HttpRequest, HttpResponse

if TYPE_CHECKING:
    from sentry_sdk._types import Event

from tenants.db import current_schema

# E.164 or national numbers of 8+ digits with optional spaces, and e-mail addresses.
_PHONE_RE = re.compile(r"\+?\d[\d\s-]{6,}\d")
_EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
_FILTERED = "[Filtered]"
# Keys whose values are personal data wherever they appear in an event.
# Identifiers and code locations Sentry needs intact; they hold no personal data, but their hex
# digits and dotted versions would otherwise look like phone numbers to the pattern above.
_VERBATIM_KEYS = frozenset(
    {
        "event_id",
        "trace_id",
        "span_id",
        "parent_span_id",
        "release",
        "dist",
        "environment",
        "timestamp",
        "start_timestamp",
        "sdk",
        "modules",
        "filename",
        "abs_path",
        "module",
        "function",
        "lineno",
        "colno",
        "platform",
        "level",
        "type",
    }
)
_PERSONAL_KEYS = frozenset(
    {"phone", "name", "email", "address", "first_name", "last_name", "full_name", "message_body"}
)


def init_sentry(*, dsn: str, environment: str, traces_sample_rate: float, **options: Any) -> None:
    """Start Sentry with personal data off and every event scrubbed before it leaves."""
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        traces_sample_rate=traces_sample_rate,
        # Collect no user identity, request bodies, SQL parameters or frame variables at the
        # source; scrub_event removes what other paths still carry.
        data_collection={
            "user_info": False,
            "http_bodies": [],
            "database_query_data": False,
            "stack_frame_variables": False,
        },
        integrations=[DjangoIntegration(), CeleryIntegration()],
        before_send=scrub_event,
        before_send_transaction=scrub_event,
        **options,
    )


def scrub_event(event: "Event", _hint: dict[str, Any] | None = None) -> "Event":
    """Remove phone numbers, e-mail addresses, names and request bodies from a Sentry event."""
    request = event.get("request")
    if isinstance(request, dict):
        for field in ("data", "cookies", "query_string"):
            if field in request:
                request[field] = _FILTERED
        headers = request.get("headers")
        if isinstance(headers, dict):
            for header in list(headers):
                if header.lower() in {"cookie", "authorization", "x-csrftoken"}:
                    headers[header] = _FILTERED
    # Free text can name a resident in ways no pattern catches, so exception messages and
    # formatted log lines do not leave: the type, the stack and the log template are enough.
    for exception in (event.get("exception") or {}).get("values", []):
        if exception.get("value"):
            exception["value"] = _FILTERED
    logentry = event.get("logentry")
    if isinstance(logentry, dict):
        logentry.pop("params", None)
        logentry.pop("formatted", None)
    breadcrumbs = event.get("breadcrumbs")
    for crumb in breadcrumbs.get("values", []) if isinstance(breadcrumbs, dict) else []:
        # SQL breadcrumbs carry query parameters; other crumbs carry arbitrary data.
        crumb.pop("data", None)
    if "user" in event:
        # Keep only the opaque id; never name, phone, e-mail or IP address.
        user = event["user"] if isinstance(event["user"], dict) else {}
        event["user"] = {"id": user["id"]} if "id" in user else {}
    return cast("Event", _scrub(event))


def _scrub(value: Any, key: str = "") -> Any:
    if key.lower() in _PERSONAL_KEYS:
        return _FILTERED
    if key in _VERBATIM_KEYS:
        return value
    if isinstance(value, dict):
        return {k: _scrub(v, str(k)) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_scrub(item) for item in value)
    if isinstance(value, str):
        return _EMAIL_RE.sub(_FILTERED, _PHONE_RE.sub(_FILTERED, value))
    return value


class SentryTenantMiddleware:
    """Tag every event of a request with the tenant's schema name (never with personal data)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        sentry_sdk.get_isolation_scope().set_tag("tenant", current_schema())
        return self.get_response(request)


class SchemaLogFilter(logging.Filter):
    """Stamp every log record with the schema it was written in."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.schema_name = current_schema() or "-"
        return True
