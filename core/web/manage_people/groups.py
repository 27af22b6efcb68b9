"""Groups for their managers: the list, creating one, and each group's settings, requirements, members,
invitations and channels."""

from typing import Any
from uuid import UUID

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.groups.models import Group, Membership, MembershipStatus, Role
from core.groups.permissions import is_tenant_admin
from core.groups.selectors import (
    categories,
    get_managed_group,
    get_managed_membership,
    get_visible_invitation,
    groups_managed_by,
    invitations_visible_to,
    members_of,
)
from core.groups.services import (
    do_archive_group,
    do_create_group,
    do_invite,
    do_revoke_invitation,
    do_set_role,
    do_update_group,
    do_withdraw_membership,
)
from core.qualification.models import Requirement
from core.qualification.selectors import get_visible_requirement, requirements_of
from core.qualification.services import do_add_requirement, do_remove_requirement

from ..pages import manager_required
from .common import found, page, page_of, person, refused
from .forms import ActionForm, GroupForm, InviteForm, RequirementForm, RoleForm

CURRENT = (MembershipStatus.APPLIED, MembershipStatus.APPROVED)
Refusal = ValidationError | PermissionDenied
# The group page holds several forms; their fields share names (description), so each gets its own ids.
REQUIREMENT_IDS = "requirement_%s"
INVITE_IDS = "invite_%s"


def _managed(request: HttpRequest, pk: UUID) -> Group:
    with found():
        return get_managed_group(user=person(request), group_id=pk)


# --- The list ----------------------------------------------------------------------------------


def _list_page(request: HttpRequest, *, form: GroupForm | None = None, status: int = 200) -> HttpResponse:
    viewer = person(request)
    admin = is_tenant_admin(viewer)
    groups = page_of(request, groups_managed_by(viewer))
    if form is None and admin:
        form = GroupForm(
            categories=categories(), admin=True, initial={"join_policy": "approval", "visibility": "public"}
        )
    return page(
        request,
        "web/manage/people/groups.html",
        {"page": groups, "groups": groups.object_list, "form": form, "admin": admin},
        status=status,
    )


@require_http_methods(["GET", "POST"])
@manager_required
def group_list(request: HttpRequest) -> HttpResponse:
    """GET: the groups I manage. POST: create a group (admins; the service refuses anyone else)."""
    if request.method == "GET":
        return _list_page(request)
    form = GroupForm(request.POST, categories=categories(), admin=True)
    if not form.is_valid():
        return _list_page(request, form=form, status=400)
    try:
        group = do_create_group(actor=person(request), **form.cleaned_data)
    except (ValidationError, PermissionDenied) as error:
        refused(form, error)
        return _list_page(request, form=form, status=400)
    messages.success(request, _("The group %(group)s is created.") % {"group": group.name})
    return redirect("web:manage-group", pk=group.pk)


# --- One group ---------------------------------------------------------------------------------


def _role_choices(*, admin: bool) -> list[tuple[str, Any]]:
    """Admins give any role; a group's leaders move people between member and staff."""
    if admin:
        return list(Role.choices)
    return [(Role.MEMBER.value, Role.MEMBER.label), (Role.STAFF.value, Role.STAFF.label)]


def _group_page(request: HttpRequest, group: Group, *, status: int = 200, **given: forms.Form) -> HttpResponse:
    viewer = person(request)
    admin = is_tenant_admin(viewer)
    settings_form = given.get("settings_form") or GroupForm(
        initial=GroupForm.initial_for(group), categories=categories(), admin=admin
    )
    members = page_of(request, members_of(group, viewer).filter(status__in=CURRENT))
    invitations = invitations_visible_to(viewer).filter(
        group=group, accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
    )
    context = {
        "group": group,
        "admin": admin,
        "in_use": group.archived_at is None,
        "settings_form": settings_form,
        "requirement_form": given.get("requirement_form") or RequirementForm(auto_id=REQUIREMENT_IDS),
        "invite_form": given.get("invite_form") or InviteForm(admin=admin, auto_id=INVITE_IDS),
        "action_form": given.get("action_form") or ActionForm(),
        "requirements": requirements_of(group=group),
        "page": members,
        "members": members.object_list,
        "role_choices": _role_choices(admin=admin),
        "invitations": invitations,
        "publishes_in": group.publishes_in.filter(archived_at__isnull=True).order_by("name"),
        "answers_in": group.answers_in.filter(archived_at__isnull=True).order_by("name"),
    }
    return page(request, "web/manage/people/group.html", context, status=status)


def _refused_action(request: HttpRequest, group: Group, error: Refusal) -> HttpResponse:
    return _group_page(request, group, status=400, action_form=refused(ActionForm(data={}), error))


@require_http_methods(["GET", "POST"])
@manager_required
def group_detail(request: HttpRequest, pk: UUID) -> HttpResponse:
    """GET: the group's page. POST: change its settings (admins every field, its leaders the texts)."""
    group = _managed(request, pk)
    if request.method == "GET":
        return _group_page(request, group)
    viewer = person(request)
    form = GroupForm(request.POST, categories=categories(), admin=is_tenant_admin(viewer))
    if not form.is_valid():
        return _group_page(request, group, status=400, settings_form=form)
    try:
        do_update_group(actor=viewer, group=group, **form.cleaned_data)
    except (ValidationError, PermissionDenied) as error:
        return _group_page(request, group, status=400, settings_form=refused(form, error))
    messages.success(request, _("The group's settings are saved."))
    return redirect("web:manage-group", pk=group.pk)


@require_POST
@manager_required
def group_archive(request: HttpRequest, pk: UUID) -> HttpResponse:
    group = _managed(request, pk)
    try:
        do_archive_group(actor=person(request), group=group)
    except (ValidationError, PermissionDenied) as error:
        return _refused_action(request, group, error)
    messages.success(request, _("The group %(group)s is archived.") % {"group": group.name})
    return redirect("web:manage-group", pk=group.pk)


@require_POST
@manager_required
def group_add_requirement(request: HttpRequest, pk: UUID) -> HttpResponse:
    group = _managed(request, pk)
    form = RequirementForm(request.POST, auto_id=REQUIREMENT_IDS)
    if not form.is_valid():
        return _group_page(request, group, status=400, requirement_form=form)
    try:
        requirement = do_add_requirement(actor=person(request), group=group, **form.cleaned_data)
    except (ValidationError, PermissionDenied) as error:
        return _group_page(request, group, status=400, requirement_form=refused(form, error))
    messages.success(
        request, _("%(group)s now requires: %(requirement)s.") % {"group": group.name, "requirement": requirement.label}
    )
    return redirect("web:manage-group", pk=group.pk)


@require_POST
@manager_required
def requirement_remove(request: HttpRequest, pk: UUID) -> HttpResponse:
    viewer = person(request)
    with found():
        requirement: Requirement = get_visible_requirement(viewer=viewer, requirement_id=pk)
        group = get_managed_group(user=viewer, group_id=requirement.group_id)
    label = requirement.label
    try:
        do_remove_requirement(actor=viewer, requirement=requirement)
    except (ValidationError, PermissionDenied) as error:
        return _refused_action(request, group, error)
    messages.success(request, _("The requirement %(requirement)s is removed.") % {"requirement": label})
    return redirect("web:manage-group", pk=group.pk)


@require_POST
@manager_required
def group_invite(request: HttpRequest, pk: UUID) -> HttpResponse:
    group = _managed(request, pk)
    viewer = person(request)
    form = InviteForm(request.POST, admin=is_tenant_admin(viewer), auto_id=INVITE_IDS)
    if not form.is_valid():
        return _group_page(request, group, status=400, invite_form=form)
    try:
        do_invite(actor=viewer, role=form.cleaned_data["role"], group=group, phone=form.cleaned_data["phone"])
    except (ValidationError, PermissionDenied) as error:
        return _group_page(request, group, status=400, invite_form=refused(form, error))
    messages.success(request, _("The invitation is on its way by SMS."))
    return redirect("web:manage-group", pk=group.pk)


@require_POST
@manager_required
def invitation_revoke(request: HttpRequest, pk: UUID) -> HttpResponse:
    viewer = person(request)
    with found():
        invitation = get_visible_invitation(user=viewer, invitation_id=pk)
        if invitation.group_id is None:
            raise Group.DoesNotExist
        group = get_managed_group(user=viewer, group_id=invitation.group_id)
    try:
        do_revoke_invitation(actor=viewer, invitation=invitation)
    except (ValidationError, PermissionDenied) as error:
        return _refused_action(request, group, error)
    messages.success(request, _("The invitation is withdrawn; its link no longer works."))
    return redirect("web:manage-group", pk=group.pk)


def _membership(request: HttpRequest, pk: UUID) -> Membership:
    with found():
        return get_managed_membership(viewer=person(request), membership_id=pk)


@require_POST
@manager_required
def membership_role(request: HttpRequest, pk: UUID) -> HttpResponse:
    membership = _membership(request, pk)
    form = RoleForm(request.POST)
    if not form.is_valid():
        return _refused_action(request, membership.group, ValidationError(_("Choose member, staff or leader.")))
    try:
        do_set_role(actor=person(request), membership=membership, role=form.cleaned_data["role"])
    except (ValidationError, PermissionDenied) as error:
        return _refused_action(request, membership.group, error)
    messages.success(
        request,
        _("%(person)s is now %(role)s.")
        % {"person": membership.user.name or _("the member"), "role": Role(form.cleaned_data["role"]).label},
    )
    return redirect("web:manage-group", pk=membership.group_id)


@require_POST
@manager_required
def membership_remove(request: HttpRequest, pk: UUID) -> HttpResponse:
    membership = _membership(request, pk)
    try:
        do_withdraw_membership(actor=person(request), membership=membership)
    except (ValidationError, PermissionDenied) as error:
        return _refused_action(request, membership.group, error)
    messages.success(
        request,
        _("%(person)s is no longer in %(group)s.")
        % {"person": membership.user.name or _("The member"), "group": membership.group.name},
    )
    return redirect("web:manage-group", pk=membership.group_id)
