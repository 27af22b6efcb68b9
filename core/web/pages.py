"""What every page view shares: who may open it, and service errors shown on the form."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse

from .roles import roles_of

View = Callable[..., HttpResponse]


def member_required(view: View) -> View:
    """Signed-in people only; others go to the SMS login and come back."""
    return login_required(view, login_url="account_login")


def _role_required(test: Callable[[Any], bool]) -> Callable[[View], View]:
    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not test(roles_of(request)):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return member_required(wrapped)

    return decorator


manager_required = _role_required(lambda roles: roles.manages)
"""Tenant admins and group leaders (the services decide what each may change)."""

admin_required = _role_required(lambda roles: roles.admin)
"""Tenant admins only."""


def show_errors(form: forms.Form, error: ValidationError | PermissionDenied) -> None:
    """Put a service's refusal on the form: field messages on their fields, the rest on top."""
    if isinstance(error, PermissionDenied):
        form.add_error(None, str(error) or str(_denied()))
        return
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return
    form.add_error(None, error.messages)


def _denied() -> str:
    from django.utils.translation import gettext

    return gettext("You may not do that.")


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"
