"""Groups a member can see, what joining each one requires, applying and leaving, and signing its declaration."""

from typing import Any, cast
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.accounts.models import User
from core.groups.models import Group, JoinPolicy, Membership, MembershipStatus
from core.groups.selectors import get_membership_for, get_visible_group, groups_visible_to
from core.groups.services import do_apply, do_withdraw_membership
from core.qualification.models import DeclarationSignature, DeclarationVersion, RequirementKind
from core.qualification.selectors import latest_versions, requirements_of
from core.qualification.services import do_sign_declaration

from ..pages import member_required, show_errors
from .forms import ActionForm, SignDeclarationForm
from .requirements import requirement_rows

PAGE_SIZE = 20


def _person(request: HttpRequest) -> User:
    return cast("User", request.user)


def _visible_group(request: HttpRequest, pk: UUID) -> Group:
    """The group if this person may see it; a 404 otherwise, whether it is secret, archived or another tenant's."""
    try:
        return get_visible_group(user=_person(request), group_id=pk)
    except Group.DoesNotExist:
        raise Http404 from None


def _my_membership(request: HttpRequest, group: Group) -> Membership | None:
    membership_id = getattr(group, "my_membership_id", None)
    if membership_id is None:
        return None
    return get_membership_for(viewer=_person(request), membership_id=membership_id)


@member_required
def group_list(request: HttpRequest) -> HttpResponse:
    groups: QuerySet[Group] = groups_visible_to(_person(request)).order_by("name", "id")
    page = Paginator(groups, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "web/groups/list.html", {"page": page, "groups": page.object_list})


def _detail_context(request: HttpRequest, group: Group, *, action_form: ActionForm | None = None) -> dict[str, Any]:
    rows = requirement_rows(user=request.user, group=group)
    status = getattr(group, "my_status", None)
    return {
        "group": group,
        "rows": rows,
        "status": status,
        "is_member": status == MembershipStatus.APPROVED,
        "is_applicant": status == MembershipStatus.APPLIED,
        "can_apply": status not in (MembershipStatus.APPROVED, MembershipStatus.APPLIED)
        and group.join_policy != JoinPolicy.INVITATION,
        "has_declaration": any(row.requirement.kind == RequirementKind.DECLARATION for row in rows),
        "unmet": [row for row in rows if not row.item.met],
        "action_form": action_form or ActionForm(),
    }


@member_required
def group_detail(request: HttpRequest, pk: UUID) -> HttpResponse:
    group = _visible_group(request, pk)
    return render(request, "web/groups/detail.html", _detail_context(request, group))


def _refused(request: HttpRequest, group: Group, error: ValidationError | PermissionDenied) -> HttpResponse:
    form = ActionForm(data={})
    form.is_valid()
    show_errors(form, error)
    return render(request, "web/groups/detail.html", _detail_context(request, group, action_form=form), status=400)


@require_POST
@member_required
def group_apply(request: HttpRequest, pk: UUID) -> HttpResponse:
    group = _visible_group(request, pk)
    try:
        membership = do_apply(user=_person(request), group=group)
    except Group.DoesNotExist:
        raise Http404 from None
    except (ValidationError, PermissionDenied) as error:
        return _refused(request, group, error)
    if membership.status == MembershipStatus.APPROVED:
        messages.success(request, _("Welcome to %(group)s! You are now a member.") % {"group": group.name})
    elif any(not row.item.met for row in requirement_rows(user=request.user, group=group)):
        messages.info(
            request,
            _(
                "You have applied to %(group)s. Do what the list of requirements asks; a leader approves you "
                "once every requirement is met."
            )
            % {"group": group.name},
        )
    else:
        messages.info(
            request,
            _("You have applied to %(group)s. A leader will look at your application.") % {"group": group.name},
        )
    return redirect("web:group", pk=group.pk)


@require_POST
@member_required
def group_leave(request: HttpRequest, pk: UUID) -> HttpResponse:
    """Withdraw an application, or leave the group."""
    group = _visible_group(request, pk)
    membership = _my_membership(request, group)
    if membership is None:
        raise Http404
    was_applicant = membership.status == MembershipStatus.APPLIED
    try:
        do_withdraw_membership(actor=_person(request), membership=membership)
    except (ValidationError, PermissionDenied) as error:
        return _refused(request, group, error)
    if was_applicant:
        messages.success(request, _("Your application to %(group)s is withdrawn.") % {"group": group.name})
    else:
        messages.success(request, _("You have left %(group)s.") % {"group": group.name})
    return redirect("web:group", pk=group.pk)


def _declarations_of(group: Group, user: User) -> list[dict[str, Any]]:
    """Each declaration the group requires, its newest text, and whether the person signed that text."""
    required = [r for r in requirements_of(group=group) if r.kind == RequirementKind.DECLARATION and r.declaration]
    latest = latest_versions({r.declaration_id for r in required if r.declaration_id is not None})
    signed = {
        signature.version_id: signature
        for signature in DeclarationSignature.objects.filter(
            user=user, version_id__in=[version.pk for version in latest.values()]
        )
    }
    entries = []
    for requirement in required:
        version = latest.get(cast("UUID", requirement.declaration_id))
        if version is None:
            continue  # a declaration with no published text yet cannot be signed
        entries.append(
            {"declaration": requirement.declaration, "version": version, "signature": signed.get(version.pk)}
        )
    return entries


def _surface_hidden_errors(form: SignDeclarationForm) -> None:
    """Errors on the hidden fields (a stale or altered page) go on top of the form, where they are read."""
    for name in ("version", "text_sha256"):
        if name in form.errors:
            form.add_error(None, form.errors.pop(name).as_data())


def _sign_form(entry: dict[str, Any], user: User, data: Any = None) -> SignDeclarationForm:
    version: DeclarationVersion = entry["version"]
    return SignDeclarationForm(
        data=data,
        prefix=str(version.declaration_id),
        initial={"version": version.pk, "text_sha256": version.sha256, "full_name": user.name},
    )


def _sign(request: HttpRequest, entry: dict[str, Any]) -> bool:
    """Sign the posted declaration through the service; False (errors on the entry's form) when refused."""
    user = _person(request)
    form = entry["form"] = _sign_form(entry, user, data=request.POST)
    if not form.is_valid():
        _surface_hidden_errors(form)
        return False
    version = DeclarationVersion.objects.filter(
        pk=form.cleaned_data["version"], declaration_id=entry["version"].declaration_id
    ).first()
    if version is None:
        form.add_error(None, _("This version of the declaration no longer exists. Reload the page."))
        return False
    try:
        do_sign_declaration(
            user=user,
            version=version,
            full_name=form.cleaned_data["full_name"],
            consent=form.cleaned_data["consent"],
            text_sha256=form.cleaned_data["text_sha256"],
        )
    except ValidationError as error:
        show_errors(form, error)
        _surface_hidden_errors(form)
        return False
    return True


@require_http_methods(["GET", "POST"])
@member_required
def group_declaration(request: HttpRequest, pk: UUID) -> HttpResponse:
    """The full text of each declaration the group requires, and a form to sign it."""
    group = _visible_group(request, pk)
    user = _person(request)
    entries = _declarations_of(group, user)
    if not entries:
        raise Http404
    for entry in entries:
        entry["form"] = _sign_form(entry, user)
    if request.method == "GET":
        return render(request, "web/groups/declaration.html", {"group": group, "entries": entries})
    posted = request.POST.get("declaration", "")
    chosen = next((e for e in entries if str(e["version"].declaration_id) == posted), None)
    if chosen is None:
        raise Http404
    if _sign(request, chosen):
        messages.success(request, _("Thank you. You have signed %(title)s.") % {"title": chosen["declaration"].title})
        return redirect("web:group", pk=group.pk)
    return render(request, "web/groups/declaration.html", {"group": group, "entries": entries}, status=400)
