"""What the request pages share: the signed-in person, the visible request or a 404, pages of a list."""

from typing import cast
from uuid import UUID

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest

from core.accounts.models import User
from core.requests.models import HelpRequest
from core.requests.selectors import get_visible_request

PAGE_SIZE = 20


def person(request: HttpRequest) -> User:
    return cast("User", request.user)


def visible_request(request: HttpRequest, pk: UUID) -> HelpRequest:
    """The request if this person may see it; otherwise a 404 that says nothing (hidden, another tenant's...)."""
    try:
        return get_visible_request(user=person(request), request_id=pk)
    except HelpRequest.DoesNotExist:
        raise Http404 from None


def page_of(request: HttpRequest, items: QuerySet, size: int = PAGE_SIZE) -> Page:  # type: ignore[type-arg]
    return Paginator(items, size).get_page(request.GET.get("page"))
