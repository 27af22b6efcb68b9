"""What the pages about communication and the site share: the signed-in person, pages of lists, 404s."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from typing import Any, TypeVar, cast

from django import forms
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from core.accounts.models import User

from ..pages import show_errors

PAGE_SIZE = 25
Refusal = ValidationError | PermissionDenied
FormT = TypeVar("FormT", bound=forms.Form)


def person(request: HttpRequest) -> User:
    return cast("User", request.user)


def page_of(request: HttpRequest, rows: QuerySet[Any], *, size: int = PAGE_SIZE) -> Page[Any]:
    return Paginator(rows, size).get_page(request.GET.get("page"))


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


def refused(form: FormT, error: Refusal) -> FormT:
    """The service's refusal, on the form the person sent (validated first, so errors can be added)."""
    form.is_valid()
    show_errors(form, error)
    return form


def start_of(day: date | None) -> datetime | None:
    """Midnight at the start of the day, in the tenant's time zone."""
    if day is None:
        return None
    return timezone.make_aware(datetime.combine(day, time.min))


def end_of(day: date | None) -> datetime | None:
    """Midnight after the day: a day given as the last one is included whole."""
    if day is None:
        return None
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)
