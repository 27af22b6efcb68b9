"""Announcements: leaders and admins write to a group's members; members read those of their groups."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core.announcements.selectors import announcements_for, announcements_managed_by, told_counts
from core.announcements.services import do_post_announcement
from core.groups.models import Group
from core.groups.selectors import groups_managed_by

from ..pages import manager_required, member_required
from .common import page, page_of, person, refused
from .forms import AnnouncementForm


def _groups(request: HttpRequest) -> QuerySet[Group]:
    return groups_managed_by(person(request)).filter(archived_at__isnull=True)


def _manage_page(request: HttpRequest, *, form: AnnouncementForm | None = None, status: int = 200) -> HttpResponse:
    sent = page_of(request, announcements_managed_by(person(request)))
    told = told_counts(announcement.pk for announcement in sent.object_list)
    rows = [{"announcement": announcement, "told": told[announcement.pk]} for announcement in sent.object_list]
    form = form or AnnouncementForm(groups=_groups(request))
    context = {
        "page": sent,
        "rows": rows,
        "form": form,
        "has_groups": bool(form.fields["group"].queryset),  # type: ignore[attr-defined]
    }
    return page(request, "web/manage/site/announcements.html", context, status=status)


@require_http_methods(["GET", "POST"])
@manager_required
def announcement_manage(request: HttpRequest) -> HttpResponse:
    """GET: what was announced to the groups I manage, with how many were told. POST: announce."""
    if request.method == "GET":
        return _manage_page(request)
    form = AnnouncementForm(request.POST, groups=_groups(request))
    if not form.is_valid():
        return _manage_page(request, form=form, status=400)
    group: Group = form.cleaned_data["group"]
    try:
        do_post_announcement(
            actor=person(request), group=group, title=form.cleaned_data["title"], body=form.cleaned_data["body"]
        )
    except (ValidationError, PermissionDenied) as error:
        refused(form, error)
        return _manage_page(request, form=form, status=400)
    messages.success(request, _("The announcement is on its way to the members of %(group)s.") % {"group": group.name})
    return redirect("web:manage-announcements")


@require_GET
@member_required
def announcement_list(request: HttpRequest) -> HttpResponse:
    """The announcements of my groups, newest first."""
    announcements = page_of(request, announcements_for(person(request)))
    return render(
        request,
        "web/announcements/list.html",
        {"page": announcements, "announcements": announcements.object_list},
    )
