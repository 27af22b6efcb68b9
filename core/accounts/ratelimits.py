"""Limits on the SMS a login or sign-up may cause: per phone number, per client IP and per tenant.

Every code SMS costs money and SMS pumping fraud makes bots request them in bulk, so each SMS that
allauth asks our adapter to send (a login code, a sign-up code, or the notice sent instead of a
code to a number without an account) counts against three budgets, configured in
ACCOUNT_RATE_LIMITS under two actions and enforced by allauth's rate limiter:

- CODE_SMS: per phone number ("…/key", the key being the number) and per client IP ("…/ip");
- CODE_SMS_TENANT: one budget for the whole tenant ("…/key", the key naming the schema).

Counters live in the default cache, whose keys start with the schema name
(django_tenants.cache.make_key), so one tenant's traffic never uses up another tenant's budget.

Forms check the budget without using it while they validate the phone number, so a request over
the limit is refused before anything is created; the SMS itself uses it when it is queued.
"""

from typing import Any

from allauth.core import ratelimit
from django.http import HttpRequest

CODE_SMS = "code_sms"
CODE_SMS_TENANT = "code_sms_tenant"


def _tenant_key(request: HttpRequest) -> str:
    # The cache is tenant-scoped already; naming the schema keeps the key honest on its own.
    tenant: Any = getattr(request, "tenant", None)
    return f"tenant:{getattr(tenant, 'schema_name', '')}"


def _within(request: HttpRequest, *, phone: str, dry_run: bool) -> bool:
    return bool(
        ratelimit.consume(request, action=CODE_SMS, key=phone, dry_run=dry_run)
        and ratelimit.consume(request, action=CODE_SMS_TENANT, key=_tenant_key(request), dry_run=dry_run)
    )


def may_send_code_sms(request: HttpRequest, *, phone: str) -> bool:
    """Whether one more code SMS to `phone` fits every budget; uses none of them."""
    return _within(request, phone=phone, dry_run=True)


def use_code_sms_budget(request: HttpRequest, *, phone: str) -> bool:
    """Count one code SMS to `phone` against every budget; False (nothing counted) if one is spent.

    A request sends at most one code SMS to a number, so a second call for the same number in the
    same request counts nothing again.
    """
    spent: set[str] = request.__dict__.setdefault("_dugnad_code_sms_counted", set())
    if phone in spent:
        return True
    if not may_send_code_sms(request, phone=phone):
        return False
    spent.add(phone)
    return _within(request, phone=phone, dry_run=False)
