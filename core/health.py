"""/healthz (process up) and /readyz (database and broker reachable) on every host."""

from collections.abc import Callable

import redis
from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse

from tenants.db import use_public_schema


class HealthCheckMiddleware:
    """Answer health probes before host routing, so load balancers may probe by IP.

    The answers name no tenant and carry no data, so serving them on any host reveals nothing.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path == "/healthz":
            return JsonResponse({"status": "ok"})
        if request.path == "/readyz":
            return readiness()
        return self.get_response(request)


def readiness() -> JsonResponse:
    checks = {"database": _database_ok(), "broker": _broker_ok()}
    ready = all(value in ("ok", "eager") for value in checks.values())
    return JsonResponse({"status": "ok" if ready else "unavailable", "checks": checks}, status=200 if ready else 503)


def _database_ok() -> str:
    try:
        # A probe must not pin a tenant's search_path; the public schema always exists.
        use_public_schema()
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # noqa: BLE001 - any failure means "not ready", whatever the driver raised
        connection.close()
        return "unreachable"
    return "ok"


def _broker_ok() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "eager"
    try:
        client = redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_connect_timeout=1, socket_timeout=1)
        client.ping()
    except redis.RedisError:
        return "unreachable"
    return "ok"
