"""Clients I keep (staff and leaders of need groups, admins): names in the list, contact details on the client's
own page only, where each view is written to the audit log."""

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.clients.models import Client
from core.clients.selectors import (
    client_names_for,
    get_client_contact,
    get_visible_client,
    groups_keeping_clients_for,
)
from core.clients.services import do_archive_client, do_create_client, do_update_client

from .common import clients_required, found, page, page_of, person, refused
from .forms import ActionForm, ClientForm


def _list_page(request: HttpRequest, *, form: ClientForm | None = None, status: int = 200) -> HttpResponse:
    viewer = person(request)
    clients = page_of(request, client_names_for(viewer).order_by("name", "id"))
    groups = groups_keeping_clients_for(viewer)
    context = {
        "page": clients,
        "clients": clients.object_list,
        "form": form or ClientForm(groups=groups),
        "can_add": groups.exists(),
    }
    return page(request, "web/manage/people/clients.html", context, status=status)


@require_http_methods(["GET", "POST"])
@clients_required
def client_list(request: HttpRequest) -> HttpResponse:
    """GET: the clients I keep, by name. POST: a new client record in one of my need groups."""
    if request.method == "GET":
        return _list_page(request)
    viewer = person(request)
    form = ClientForm(request.POST, groups=groups_keeping_clients_for(viewer))
    if not form.is_valid():
        return _list_page(request, form=form, status=400)
    try:
        client = do_create_client(actor=viewer, **form.cleaned_data)
    except (ValidationError, PermissionDenied) as error:
        return _list_page(request, form=refused(form, error), status=400)
    messages.success(request, _("The client %(name)s is added.") % {"name": client.name})
    return redirect("web:manage-client", pk=client.pk)


def _detail_page(
    request: HttpRequest,
    client: Client,
    *,
    form: ClientForm | None = None,
    action_form: ActionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "client": client,
        "form": form or ClientForm(initial=ClientForm.initial_for(client)),
        "action_form": action_form or ActionForm(),
    }
    return page(request, "web/manage/people/client.html", context, status=status)


@require_http_methods(["GET", "POST"])
@clients_required
def client_detail(request: HttpRequest, pk: UUID) -> HttpResponse:
    """GET: the client's record with contact details (an audited read). POST: change the record."""
    viewer = person(request)
    with found():
        client = get_client_contact(viewer=viewer, client_id=pk)
    if request.method == "GET":
        return _detail_page(request, client)
    form = ClientForm(request.POST)
    if not form.is_valid():
        return _detail_page(request, client, form=form, status=400)
    try:
        do_update_client(actor=viewer, client=client, **form.cleaned_data)
    except (ValidationError, PermissionDenied) as error:
        return _detail_page(request, client, form=refused(form, error), status=400)
    messages.success(request, _("The client's record is saved."))
    return redirect("web:manage-client", pk=client.pk)


@require_POST
@clients_required
def client_archive(request: HttpRequest, pk: UUID) -> HttpResponse:
    viewer = person(request)
    with found():
        client = get_visible_client(user=viewer, client_id=pk)
    try:
        do_archive_client(actor=viewer, client=client)
    except (ValidationError, PermissionDenied) as error:
        with found():
            shown = get_client_contact(viewer=viewer, client_id=pk)
        return _detail_page(request, shown, action_form=refused(ActionForm(data={}), error), status=400)
    messages.success(request, _("The client's record is archived."))
    return redirect("web:manage-clients")
