"""Posting a request for help, for oneself or (staff) for a client, in a few taps on a phone."""

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.accounts.models import User
from core.clients.models import Client
from core.clients.selectors import client_names_for, get_visible_client
from core.groups.selectors import categories
from core.requests.models import Timing
from core.requests.selectors import channels_to_post_in
from core.requests.services import do_post_request

from ..pages import member_required, show_errors
from ..roles import roles_of
from .common import person
from .forms import MYSELF, PostRequestForm


@require_http_methods(["GET", "POST"])
@member_required
def request_new(request: HttpRequest) -> HttpResponse:
    user = person(request)
    roles = roles_of(request)
    channels = channels_to_post_in(user)
    clients = list(client_names_for(user)) if roles.keeps_clients or roles.admin else []
    form = PostRequestForm(
        request.POST if request.method == "POST" else None,
        channels=channels,
        categories=categories(),
        clients=clients,
    )
    context = {"form": form, "can_post": form.has_channels}
    if request.method != "POST":
        return render(request, "web/requests/new.html", context)
    if not form.is_valid():
        return render(request, "web/requests/new.html", context, status=400)
    data = form.cleaned_data
    client = _client(user, data.get("for_whom", MYSELF))
    timing, starts_at, ends_at = data["timing"], data["starts_at"], data["ends_at"]
    if timing == Timing.FLEXIBLE and starts_at is not None:
        # A time was given but the radio left on "flexible" (no script to hide the fields): take the time.
        timing = Timing.WINDOW if ends_at is not None else Timing.AT
    try:
        posted = do_post_request(
            actor=user,
            channel=data["channel"],
            title=data["title"],
            description=data["description"],
            category=data["category"],
            timing=timing,
            starts_at=starts_at,
            ends_at=ends_at,
            area=data["area"],
            address=data["address"],
            helpers_needed=data["helpers_needed"] or 1,
            open_days=data["open_days"],
            client=client,
        )
    except (ValidationError, PermissionDenied) as error:
        show_errors(form, error)
        return render(request, "web/requests/new.html", context, status=400)
    messages.success(request, _("Your request is posted. The people who can help are told now."))
    return redirect("web:request", pk=posted.pk)


def _client(user: User, chosen: str) -> Client | None:
    if not chosen or chosen == MYSELF:
        return None
    try:
        return get_visible_client(user=user, client_id=UUID(chosen))
    except (Client.DoesNotExist, ValueError):
        raise Http404 from None
