"""The client IP of the request being served, for audit rows written deep inside services."""

from collections.abc import Callable
from contextvars import ContextVar

from allauth.account.adapter import get_adapter
from django.http import HttpRequest, HttpResponse

_client_ip: ContextVar[str | None] = ContextVar("dugnad_client_ip", default=None)


def current_ip() -> str | None:
    """The IP of the request this code runs for, or None in a task or command."""
    return _client_ip.get()


def client_ip(request: HttpRequest) -> str | None:
    """The client's IP as allauth's rate limits see it (honours ALLAUTH_TRUSTED_PROXY_COUNT)."""
    try:
        return str(get_adapter(request).get_client_ip(request))
    except Exception:  # noqa: BLE001 - a malformed proxy header must not break the request
        return request.META.get("REMOTE_ADDR")


class AuditContextMiddleware:
    """Remembers the request's client IP for the duration of the request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _client_ip.set(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            _client_ip.reset(token)
