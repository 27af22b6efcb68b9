"""Members of the groups I manage: filters by group, role and status; a name or phone search by POST; one person."""

from dataclasses import dataclass
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.accounts.models import User
from core.groups.models import Membership
from core.groups.permissions import is_tenant_admin
from core.groups.selectors import (
    get_managed_person,
    groups_managed_by,
    memberships_managed_by,
    memberships_of_person_for,
)
from core.groups.services import do_set_tenant_admin
from core.qualification.selectors import ChecklistItem, requirement_checklist

from ..pages import manager_required
from .common import found, page, page_of, person, refused
from .forms import ActionForm, MemberFilterForm, MemberSearchForm, TenantAdminForm

# A search shows its first matches on one page: paging would need the words in the URL.
SEARCH_LIMIT = 50


@require_http_methods(["GET", "POST"])
@manager_required
def member_list(request: HttpRequest) -> HttpResponse:
    """GET: memberships, filtered by group, role and status. POST: a search by name or phone number."""
    viewer = person(request)
    filters = MemberFilterForm(request.GET or None, groups=groups_managed_by(viewer))
    code = 200
    group_id: UUID | None = None
    role = state = ""
    if filters.is_bound:
        if filters.is_valid():
            group = filters.cleaned_data["group"]
            group_id = group.pk if group else None
            role, state = filters.cleaned_data["role"], filters.cleaned_data["status"]
        else:
            code = 400
    search = MemberSearchForm(request.POST if request.method == "POST" else None)
    context: dict[str, object] = {"filters": filters, "search": search, "searching": False}
    if request.method == "POST":
        if search.is_valid():
            rows = memberships_managed_by(
                viewer, group_id=group_id, role=role, status=state, search=search.cleaned_data["query"]
            )
            context.update(searching=True, memberships=list(rows[:SEARCH_LIMIT]), limit=SEARCH_LIMIT)
            return page(request, "web/manage/people/members.html", context, status=code)
        code = 400
    memberships = page_of(request, memberships_managed_by(viewer, group_id=group_id, role=role, status=state))
    query = request.GET.copy()
    query.pop("page", None)
    context.update(page=memberships, memberships=memberships.object_list, query=query.urlencode())
    return page(request, "web/manage/people/members.html", context, status=code)


@dataclass(frozen=True)
class Entry:
    membership: Membership
    checklist: list[ChecklistItem]


def _member_page(
    request: HttpRequest, member: User, *, admin_form: ActionForm | None = None, status: int = 200
) -> HttpResponse:
    viewer = person(request)
    entries = [
        Entry(membership, requirement_checklist(membership=membership))
        for membership in memberships_of_person_for(viewer=viewer, person=member)
    ]
    context = {
        "member": member,
        "entries": entries,
        "admin": is_tenant_admin(viewer),
        "admin_form": admin_form or ActionForm(),
        "is_self": member.pk == viewer.pk,
    }
    return page(request, "web/manage/people/member.html", context, status=status)


def _member(request: HttpRequest, pk: UUID) -> User:
    with found():
        return get_managed_person(viewer=person(request), user_id=pk)


@require_GET
@manager_required
def member_detail(request: HttpRequest, user_pk: UUID) -> HttpResponse:
    return _member_page(request, _member(request, user_pk))


@require_POST
@manager_required
def member_set_admin(request: HttpRequest, user_pk: UUID) -> HttpResponse:
    """Make the person a tenant admin, or stop them being one (admins; the tenant keeps at least one)."""
    member = _member(request, user_pk)
    form = TenantAdminForm(request.POST)
    form.is_valid()
    make_admin = bool(form.cleaned_data.get("is_admin"))
    try:
        do_set_tenant_admin(actor=person(request), user=member, is_admin=make_admin)
    except (ValidationError, PermissionDenied) as error:
        return _member_page(request, member, admin_form=refused(ActionForm(data={}), error), status=400)
    name = member.name or _("This person")
    if make_admin:
        messages.success(request, _("%(person)s is now an admin of this site.") % {"person": name})
    else:
        messages.success(request, _("%(person)s is no longer an admin of this site.") % {"person": name})
    return redirect("web:manage-member", user_pk=member.pk)
