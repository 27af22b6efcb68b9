"""Channels: which groups publish into each one and which answer it, as cards and as a matrix; admins edit them."""

from dataclasses import dataclass
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.accounts.models import User
from core.groups.models import Channel, Group
from core.groups.permissions import is_tenant_admin
from core.groups.selectors import channels_visible_to, get_visible_channel, groups_managed_by
from core.groups.services import do_archive_channel, do_create_channel, do_update_channel

from ..pages import manager_required
from .common import found, page, page_of, person, refused
from .forms import ActionForm, ChannelForm

CHANNELS_PER_PAGE = 30


@dataclass(frozen=True)
class MatrixRow:
    group: Group
    cells: tuple[str, ...]  # one per channel, in words


def _groups_for_channels(viewer: User) -> QuerySet[Group]:
    return groups_managed_by(viewer).filter(archived_at__isnull=True)


def _matrix(channels: list[Channel]) -> list[MatrixRow]:
    """Every group that takes part in one of the channels, with what it does in each, in words."""
    groups: dict[UUID, Group] = {}
    for channel in channels:
        for group in (*channel.publishing_groups.all(), *channel.answering_groups.all()):
            groups.setdefault(group.pk, group)
    rows = []
    for group in sorted(groups.values(), key=lambda g: (g.name, str(g.pk))):
        cells = []
        for channel in channels:
            publishes = any(g.pk == group.pk for g in channel.publishing_groups.all())
            answers = any(g.pk == group.pk for g in channel.answering_groups.all())
            if publishes and answers:
                cells.append(_("publishes and answers"))
            elif publishes:
                cells.append(_("publishes"))
            elif answers:
                cells.append(_("answers"))
            else:
                cells.append("")
        rows.append(MatrixRow(group, tuple(cells)))
    return rows


def _list_page(request: HttpRequest, *, form: ChannelForm | None = None, status: int = 200) -> HttpResponse:
    viewer = person(request)
    admin = is_tenant_admin(viewer)
    channels = page_of(request, channels_visible_to(viewer), size=CHANNELS_PER_PAGE)
    shown = list(channels.object_list)
    if form is None and admin:
        form = ChannelForm(groups=_groups_for_channels(viewer))
    context = {
        "page": channels,
        "channels": shown,
        "matrix": _matrix([c for c in shown if c.archived_at is None]),
        "matrix_channels": [c for c in shown if c.archived_at is None],
        "form": form,
        "admin": admin,
    }
    return page(request, "web/manage/people/channels.html", context, status=status)


@require_http_methods(["GET", "POST"])
@manager_required
def channel_list(request: HttpRequest) -> HttpResponse:
    """GET: the channels my groups take part in (admins: all). POST: a new channel (admins)."""
    if request.method == "GET":
        return _list_page(request)
    viewer = person(request)
    form = ChannelForm(request.POST, groups=_groups_for_channels(viewer))
    if not form.is_valid():
        return _list_page(request, form=form, status=400)
    try:
        channel = do_create_channel(actor=viewer, **form.cleaned_data)
    except (ValidationError, PermissionDenied) as error:
        return _list_page(request, form=refused(form, error), status=400)
    messages.success(request, _("The channel %(channel)s is created.") % {"channel": channel.name})
    return redirect("web:manage-channel", pk=channel.pk)


def _visible(request: HttpRequest, pk: UUID) -> Channel:
    with found():
        return get_visible_channel(user=person(request), channel_id=pk)


def _detail_page(
    request: HttpRequest,
    channel: Channel,
    *,
    form: ChannelForm | None = None,
    action_form: ActionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    viewer = person(request)
    admin = is_tenant_admin(viewer)
    if form is None and admin:
        form = ChannelForm(
            groups=_groups_for_channels(viewer),
            initial={
                "name": channel.name,
                "description": channel.description,
                "publishing_groups": list(channel.publishing_groups.all()),
                "answering_groups": list(channel.answering_groups.all()),
            },
        )
    context = {
        "channel": channel,
        "admin": admin,
        "form": form,
        "action_form": action_form or ActionForm(),
        "own_group": channel.own_group_id is not None,
    }
    return page(request, "web/manage/people/channel.html", context, status=status)


@require_http_methods(["GET", "POST"])
@manager_required
def channel_detail(request: HttpRequest, pk: UUID) -> HttpResponse:
    channel = _visible(request, pk)
    if request.method == "GET":
        return _detail_page(request, channel)
    viewer = person(request)
    form = ChannelForm(request.POST, groups=_groups_for_channels(viewer))
    if not form.is_valid():
        return _detail_page(request, channel, form=form, status=400)
    try:
        do_update_channel(actor=viewer, channel=channel, **form.cleaned_data)
    except (ValidationError, PermissionDenied) as error:
        return _detail_page(request, channel, form=refused(form, error), status=400)
    messages.success(request, _("The channel is saved."))
    return redirect("web:manage-channel", pk=channel.pk)


@require_POST
@manager_required
def channel_archive(request: HttpRequest, pk: UUID) -> HttpResponse:
    channel = _visible(request, pk)
    try:
        do_archive_channel(actor=person(request), channel=channel)
    except (ValidationError, PermissionDenied) as error:
        return _detail_page(request, channel, action_form=refused(ActionForm(data={}), error), status=400)
    messages.success(request, _("The channel %(channel)s is archived.") % {"channel": channel.name})
    return redirect("web:manage-channel", pk=channel.pk)
