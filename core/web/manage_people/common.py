"""What the management pages about people share: the signed-in manager, pages of lists, refusals, 404s."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any, TypeVar, cast

from django import forms
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.accounts.models import User

from ..pages import _role_required, show_errors

PAGE_SIZE = 25

FormT = TypeVar("FormT", bound=forms.Form)

clients_required = _role_required(lambda roles: roles.keeps_clients or roles.admin)
"""Who keeps client records: staff and leaders of need groups, and the tenant's admins."""


def person(request: HttpRequest) -> User:
    return cast("User", request.user)


def page_of(request: HttpRequest, rows: QuerySet[Any], *, size: int = PAGE_SIZE, param: str = "page") -> Page[Any]:
    return Paginator(rows, size).get_page(request.GET.get(param))


@contextmanager
def found() -> Iterator[None]:
    """A row the person may not see, or of another tenant, is simply not found."""
    try:
        yield
    except ObjectDoesNotExist:
        raise Http404 from None


def page(request: HttpRequest, template: str, context: dict[str, Any], *, status: int = 200) -> HttpResponse:
    """Render a management page; the header's "Manage" link shows as current."""
    return render(request, template, {"section": "manage", **context}, status=status)


def refused(form: FormT, error: ValidationError | PermissionDenied) -> FormT:
    """The service's refusal, on the form the person sent (validated first, so errors can be added)."""
    form.is_valid()
    show_errors(form, error)
    return form


def duration_text(value: timedelta | None) -> str:
    """A median time in words: minutes under two hours, hours under two days, else days."""
    if value is None:
        return _("no figure")
    minutes = round(value.total_seconds() / 60)
    if minutes < 120:
        return ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}
    hours = round(minutes / 60)
    if hours < 48:
        return ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours}
    days = round(hours / 24)
    return ngettext("%(count)d day", "%(count)d days", days) % {"count": days}


def percent(value: float | None) -> str:
    if value is None:
        return _("no figure")
    return _("%(percent)s %%") % {"percent": f"{value * 100:.0f}"}
