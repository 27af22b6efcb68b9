"""Helpers for driving SMS login through the real endpoints of a tenant's host."""

import json
import re
import time
from typing import Any

from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client
from django.test.utils import override_settings

from core.messaging.models import OutboxMessage
from tenants.models import Tenant
from tests.conftest import host_client, in_schema

CODE = re.compile(r"^(\d{6}) ")


class App:
    """A native app talking to one tenant's /api/v1/auth/ API, keeping its session token like a real one."""

    def __init__(self, tenant: Tenant, *, ip: str = "127.0.0.1") -> None:
        self.tenant = tenant
        self.client: Client = host_client(tenant)
        self.ip = ip
        self.token: str | None = None

    def _headers(self) -> dict[str, Any]:
        headers: dict[str, Any] = {"REMOTE_ADDR": self.ip}
        if self.token:
            headers["HTTP_X_SESSION_TOKEN"] = self.token
        return headers

    def _keep_token(self, response: Any) -> None:
        if response.get("Content-Type", "").startswith("application/json"):
            token = response.json().get("meta", {}).get("session_token")
            if token:
                self.token = token

    def post(self, path: str, payload: dict[str, Any] | None = None) -> Any:
        response = self.client.post(
            f"/api/v1/{path}", data=json.dumps(payload or {}), content_type="application/json", **self._headers()
        )
        self._keep_token(response)
        return response

    def get(self, path: str) -> Any:
        response = self.client.get(f"/api/v1/{path}", **self._headers())
        self._keep_token(response)
        return response


def english_browser(tenant: Tenant) -> Client:
    """A browser on the tenant's site that chose English (the tenant's own language is Norwegian)."""
    browser = host_client(tenant)
    browser.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return browser


def sms_to(tenant: Tenant, phone: str) -> list[OutboxMessage]:
    """The SMS queued in the tenant's outbox for `phone`, oldest first."""
    with in_schema(tenant.schema_name):
        return list(OutboxMessage.objects.filter(to=phone).order_by("created_at"))


def all_sms(tenant: Tenant) -> list[OutboxMessage]:
    with in_schema(tenant.schema_name):
        return list(OutboxMessage.objects.all())


def code_in(message: OutboxMessage) -> str:
    match = CODE.match(message.body)
    assert match, f"no code in {message.body!r}"
    return match.group(1)


def last_code(tenant: Tenant, phone: str) -> str:
    messages = sms_to(tenant, phone)
    assert messages, f"no SMS to {phone} in {tenant.slug}"
    return code_in(messages[-1])


def age_pending_code(tenant: Tenant, token: str, seconds: float) -> None:
    """Pretend the code of the pending login or sign-up in this session was sent `seconds` earlier."""
    with in_schema(tenant.schema_name):
        session = SessionStore(session_key=token)
        login = session["account_login"]
        for stage in login["state"]["stages"].values():
            data = stage.get("data", {}) if isinstance(stage, dict) else {}
            if "at" in data:
                data["at"] = time.time() - seconds
        session["account_login"] = login
        session.save()


def rate_limits(**actions: str) -> override_settings:
    """Our settings' rate limits with some actions replaced (allauth fills in defaults for missing ones)."""
    return override_settings(ACCOUNT_RATE_LIMITS={**settings.ACCOUNT_RATE_LIMITS, **actions})
