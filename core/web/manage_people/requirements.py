"""Requirements of every group I manage, with legal basis and re-check intervals; declaration texts and versions."""

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.groups.permissions import is_tenant_admin
from core.groups.selectors import groups_managed_by
from core.qualification.models import Declaration
from core.qualification.selectors import (
    declarations_with_versions,
    requirements_asking_for,
    requirements_for_groups,
    versions_of,
)
from core.qualification.services import do_create_declaration, do_publish_declaration_version

from ..pages import manager_required
from .common import found, page, page_of, person, refused
from .forms import DeclarationForm, PublishVersionForm

REQUIREMENTS_PER_PAGE = 50


def _list_page(request: HttpRequest, *, form: DeclarationForm | None = None, status: int = 200) -> HttpResponse:
    viewer = person(request)
    admin = is_tenant_admin(viewer)
    groups = list(groups_managed_by(viewer).filter(archived_at__isnull=True).values_list("pk", flat=True))
    requirements = page_of(request, requirements_for_groups(group_ids=groups), size=REQUIREMENTS_PER_PAGE)
    context = {
        "page": requirements,
        "requirements": requirements.object_list,
        "declarations": declarations_with_versions(),
        "form": form or (DeclarationForm() if admin else None),
        "admin": admin,
    }
    return page(request, "web/manage/people/requirements.html", context, status=status)


@require_GET
@manager_required
def requirement_list(request: HttpRequest) -> HttpResponse:
    return _list_page(request)


@require_POST
@manager_required
def declaration_create(request: HttpRequest) -> HttpResponse:
    """A new declaration with its first text (admins; the service refuses anyone else)."""
    form = DeclarationForm(request.POST)
    if not form.is_valid():
        return _list_page(request, form=form, status=400)
    try:
        declaration = do_create_declaration(actor=person(request), **form.cleaned_data)
    except (ValidationError, PermissionDenied) as error:
        return _list_page(request, form=refused(form, error), status=400)
    messages.success(request, _("The declaration %(title)s is published.") % {"title": declaration.title})
    return redirect("web:manage-declaration", pk=declaration.pk)


def _declaration_page(
    request: HttpRequest, declaration: Declaration, *, form: PublishVersionForm | None = None, status: int = 200
) -> HttpResponse:
    admin = is_tenant_admin(person(request))
    versions = page_of(request, versions_of(declaration=declaration).select_related("published_by"), size=10)
    current = versions.object_list[0] if versions.number == 1 and versions.object_list else None
    context = {
        "declaration": declaration,
        "page": versions,
        "versions": versions.object_list,
        "current": current,
        "requirements": requirements_asking_for(declaration=declaration),
        "form": form or (PublishVersionForm(initial={"text": current.text if current else ""}) if admin else None),
        "admin": admin,
    }
    return page(request, "web/manage/people/declaration.html", context, status=status)


@require_http_methods(["GET", "POST"])
@manager_required
def declaration_detail(request: HttpRequest, pk: UUID) -> HttpResponse:
    """GET: a declaration's versions, newest first. POST: publish a new text (admins), which may ask for re-signing."""
    with found():
        declaration = declarations_with_versions().get(pk=pk)
    if request.method == "GET":
        return _declaration_page(request, declaration)
    form = PublishVersionForm(request.POST)
    if not form.is_valid():
        return _declaration_page(request, declaration, form=form, status=400)
    try:
        version = do_publish_declaration_version(actor=person(request), declaration=declaration, **form.cleaned_data)
    except (ValidationError, PermissionDenied) as error:
        return _declaration_page(request, declaration, form=refused(form, error), status=400)
    if version.resign_deadline is not None:
        messages.success(
            request,
            _("Version %(number)s is published. Members who signed an earlier one are asked to sign it again.")
            % {"number": version.number},
        )
    else:
        messages.success(request, _("Version %(number)s is published.") % {"number": version.number})
    return redirect("web:manage-declaration", pk=declaration.pk)
