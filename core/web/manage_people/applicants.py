"""The applicant queue, oldest first, and each applicant's checklist: record checks, then approve or reject."""

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.accounts.models import User
from core.groups.models import Membership, MembershipStatus
from core.groups.selectors import applicants_managed_by, get_managed_membership
from core.groups.services import do_approve_membership, do_reject_membership
from core.qualification.models import Requirement, RequirementKind
from core.qualification.selectors import ChecklistItem, requirement_checklist
from core.qualification.services import (
    do_confirm_custom,
    do_record_police_certificate,
    do_record_training,
    do_set_birth_date,
    do_verify_id,
)

from ..pages import manager_required
from .common import found, page, page_of, person, refused
from .forms import CHECK_FORMS, ActionForm, RejectForm


@dataclass(frozen=True)
class Row:
    item: ChecklistItem
    form: forms.Form | None  # how to record this check here; None when the member does it themselves


def _membership(request: HttpRequest, pk: UUID) -> Membership:
    with found():
        return get_managed_membership(viewer=person(request), membership_id=pk)


@require_GET
@manager_required
def applicant_list(request: HttpRequest) -> HttpResponse:
    applicants = page_of(request, applicants_managed_by(person(request)))
    return page(
        request,
        "web/manage/people/applicants.html",
        {"page": applicants, "applicants": applicants.object_list},
    )


def _form_for(requirement: Requirement, data: Any = None) -> forms.Form | None:
    form_class = CHECK_FORMS.get(requirement.kind)
    return form_class(data, prefix=f"r{requirement.pk.hex[:12]}") if form_class else None


def _applicant_page(
    request: HttpRequest,
    membership: Membership,
    *,
    bound: dict[UUID, forms.Form] | None = None,
    action_form: ActionForm | None = None,
    reject_form: RejectForm | None = None,
    status: int = 200,
) -> HttpResponse:
    viewer = person(request)
    checklist = requirement_checklist(membership=membership)
    own = membership.user_id == viewer.pk
    ended = membership.status not in (MembershipStatus.APPLIED, MembershipStatus.APPROVED)
    bound = bound or {}
    rows = [
        Row(item, None if own or ended else bound.get(item.requirement.pk) or _form_for(item.requirement))
        for item in checklist
    ]
    context = {
        "membership": membership,
        "member": membership.user,
        "group": membership.group,
        "rows": rows,
        "unmet": [row for row in rows if not row.item.met],
        "own": own,
        "applied": membership.status == MembershipStatus.APPLIED,
        "action_form": action_form or ActionForm(),
        "reject_form": reject_form or RejectForm(),
    }
    return page(request, "web/manage/people/applicant.html", context, status=status)


@require_GET
@manager_required
def applicant_detail(request: HttpRequest, membership_pk: UUID) -> HttpResponse:
    return _applicant_page(request, _membership(request, membership_pk))


def _record(actor: User, membership: Membership, requirement: Requirement, data: dict[str, Any]) -> None:
    """Hand one check to the service for its kind."""
    kind, who, what = requirement.kind, membership, requirement
    if kind == RequirementKind.POLICE_CERTIFICATE:
        do_record_police_certificate(
            actor=actor, membership=who, requirement=what, shown_on=data["shown_on"], issued_on=data["issued_on"]
        )
    elif kind == RequirementKind.TRAINING:
        do_record_training(actor=actor, membership=who, requirement=what, completed_on=data["completed_on"])
    elif kind == RequirementKind.ID_VERIFIED:
        do_verify_id(
            actor=actor,
            membership=who,
            requirement=what,
            method=data["method"],
            verified_on=data["verified_on"],
            birth_date=data["birth_date"],
        )
    elif kind == RequirementKind.CUSTOM:
        do_confirm_custom(actor=actor, membership=who, requirement=what, confirmed_on=data["confirmed_on"])
    elif kind == RequirementKind.MINIMUM_AGE:
        do_set_birth_date(actor=actor, user=membership.user, birth_date=data["birth_date"])


@require_POST
@manager_required
def applicant_check(request: HttpRequest, membership_pk: UUID, requirement_pk: UUID) -> HttpResponse:
    """Record one check of the checklist (the form's kind follows the requirement's)."""
    membership = _membership(request, membership_pk)
    with found():
        requirement = Requirement.objects.select_related("declaration").get(
            pk=requirement_pk, group_id=membership.group_id
        )
    form = _form_for(requirement, request.POST)
    if form is None:
        raise PermissionDenied(_("The member signs declarations themselves."))
    if not form.is_valid():
        return _applicant_page(request, membership, bound={requirement.pk: form}, status=400)
    try:
        _record(person(request), membership, requirement, form.cleaned_data)
    except (ValidationError, PermissionDenied) as error:
        return _applicant_page(request, membership, bound={requirement.pk: refused(form, error)}, status=400)
    messages.success(request, _("Recorded: %(requirement)s.") % {"requirement": requirement.label})
    return redirect("web:manage-applicant", membership_pk=membership.pk)


@require_POST
@manager_required
def applicant_approve(request: HttpRequest, membership_pk: UUID) -> HttpResponse:
    membership = _membership(request, membership_pk)
    try:
        do_approve_membership(actor=person(request), membership=membership)
    except (ValidationError, PermissionDenied) as error:
        form = refused(ActionForm(data={}), error)
        return _applicant_page(request, membership, action_form=form, status=400)
    messages.success(
        request,
        _("%(person)s is now a member of %(group)s.")
        % {"person": membership.user.name or _("The applicant"), "group": membership.group.name},
    )
    return redirect("web:manage-applicants")


@require_http_methods(["POST"])
@manager_required
def applicant_reject(request: HttpRequest, membership_pk: UUID) -> HttpResponse:
    membership = _membership(request, membership_pk)
    form = RejectForm(request.POST)
    if not form.is_valid():
        return _applicant_page(request, membership, reject_form=form, status=400)
    try:
        do_reject_membership(actor=person(request), membership=membership, notes=form.cleaned_data["notes"])
    except (ValidationError, PermissionDenied) as error:
        return _applicant_page(request, membership, reject_form=refused(form, error), status=400)
    messages.success(
        request,
        _("The application of %(person)s to %(group)s is turned down.")
        % {"person": membership.user.name or _("the applicant"), "group": membership.group.name},
    )
    return redirect("web:manage-applicants")
