"""The site's settings for its admins (name, logo, colours, languages, request defaults, categories),
and the logo every page shows."""

from typing import Any
from uuid import UUID

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.branding.selectors import branding
from core.branding.services import do_update_branding
from core.groups.models import Category
from core.groups.selectors import categories
from core.groups.services import do_create_category, do_delete_category, do_update_category
from core.requests.services import do_update_policy, policy

from ..pages import admin_required
from .common import found, page, person, refused
from .forms import ActionForm, CategoryForm, NewCategoryForm, SettingsForm

LOGO_TYPES = {"png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg"}
# Letters a slug would otherwise drop from Norwegian and Swedish category names.
_TRANSLITERATE = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "ä": "a", "ö": "o", "Æ": "Ae", "Ø": "O", "Å": "A"})


def _tenant_language(request: HttpRequest) -> str:
    return str(getattr(request, "tenant").language)  # noqa: B009 - set by the tenant middleware


def _settings_form(request: HttpRequest, *args: Any) -> SettingsForm:
    current = policy()
    return SettingsForm(
        *args,
        branding=branding(),
        default_language=_tenant_language(request),
        initial_policy={
            "default_open_days": current.default_open_days,
            "expiry_reminder_hours": current.expiry_reminder_hours,
        },
    )


def _settings_page(request: HttpRequest, *, status: int = 200, **given: forms.Form) -> HttpResponse:
    context = {
        "form": given.get("form") or _settings_form(request),
        "logo": bool(branding().logo),
        "categories": [
            {"category": category, "form": CategoryForm(initial={"name": category.name}, prefix=str(category.pk))}
            for category in categories()
        ],
        "new_category_form": given.get("new_category_form") or NewCategoryForm(prefix="new"),
        "category_form": given.get("category_form") or ActionForm(),
    }
    return page(request, "web/manage/site/settings.html", context, status=status)


@require_http_methods(["GET", "POST"])
@admin_required
def site_settings(request: HttpRequest) -> HttpResponse:
    """GET: the settings. POST: save them all at once, or nothing if any is refused."""
    if request.method == "GET":
        return _settings_page(request)
    form = _settings_form(request, request.POST, request.FILES)
    if not form.is_valid():
        return _settings_page(request, form=form, status=400)
    actor = person(request)
    refusals: list[ValidationError | PermissionDenied] = []
    with transaction.atomic():
        try:
            do_update_branding(actor=actor, **form.branding_values())
        except (ValidationError, PermissionDenied) as error:
            refusals.append(error)
        try:
            do_update_policy(
                actor=actor,
                default_open_days=form.cleaned_data["default_open_days"],
                expiry_reminder_hours=form.cleaned_data["expiry_reminder_hours"],
            )
        except (ValidationError, PermissionDenied) as error:
            refusals.append(error)
        if refusals:
            transaction.set_rollback(True)
    if refusals:
        for refusal in refusals:
            refused(form, refusal)
        return _settings_page(request, form=form, status=400)
    messages.success(request, _("The settings are saved."))
    return redirect("web:settings")


# --- Categories --------------------------------------------------------------------------------


def category_key(name: str) -> str:
    """A slug for a category from its name, keeping Norwegian and Swedish letters readable."""
    return slugify(name.translate(_TRANSLITERATE))[:40].strip("-")


@require_POST
@admin_required
def category_add(request: HttpRequest) -> HttpResponse:
    form = NewCategoryForm(request.POST, prefix="new")
    if not form.is_valid():
        return _settings_page(request, new_category_form=form, status=400)
    name = form.cleaned_data["name"]
    key = form.cleaned_data["key"] or category_key(name)
    if not key:
        form.add_error("key", _("Give the category a short key of letters and digits."))
        return _settings_page(request, new_category_form=form, status=400)
    position = max((category.position for category in categories()), default=0) + 1
    try:
        do_create_category(actor=person(request), key=key, name=name, position=position)
    except (ValidationError, PermissionDenied) as error:
        return _settings_page(request, new_category_form=refused(form, error), status=400)
    messages.success(request, _("The category %(name)s is added.") % {"name": name})
    return redirect("web:settings")


def _category(pk: UUID) -> Category:
    with found():
        return categories().get(pk=pk)


@require_POST
@admin_required
def category_rename(request: HttpRequest, pk: UUID) -> HttpResponse:
    category = _category(pk)
    form = CategoryForm(request.POST, prefix=str(category.pk))
    if not form.is_valid():
        return _settings_page(request, category_form=_category_refusal(form), status=400)
    try:
        do_update_category(actor=person(request), category=category, name=form.cleaned_data["name"])
    except (ValidationError, PermissionDenied) as error:
        return _settings_page(request, category_form=refused(ActionForm({}), error), status=400)
    messages.success(request, _("The category is renamed."))
    return redirect("web:settings")


def _category_refusal(form: CategoryForm) -> ActionForm:
    """A rename's field errors, shown at the top of the category list."""
    shown = ActionForm({})
    shown.is_valid()
    for errors in form.errors.values():
        for error in errors:
            shown.add_error(None, error)
    return shown


@require_POST
@admin_required
def category_remove(request: HttpRequest, pk: UUID) -> HttpResponse:
    category = _category(pk)
    try:
        do_delete_category(actor=person(request), category=category)
    except (ValidationError, PermissionDenied) as error:
        return _settings_page(request, category_form=refused(ActionForm({}), error), status=400)
    messages.success(request, _("The category %(name)s is removed.") % {"name": category.name})
    return redirect("web:settings")


# --- The logo ----------------------------------------------------------------------------------


@require_GET
def logo(request: HttpRequest) -> HttpResponseBase:
    """The tenant's logo from the tenant's own storage; 404 when it has none."""
    stored = branding().logo
    name = stored.name
    if not name:
        raise Http404
    content_type = LOGO_TYPES.get(name.rsplit(".", 1)[-1].lower())
    if content_type is None:
        raise Http404
    # Each upload gets a new file name, so the name is a strong validator of the content.
    etag = f'"{name.rsplit("/", 1)[-1]}"'
    if request.headers.get("If-None-Match") == etag:
        not_modified = HttpResponseNotModified()
        not_modified["ETag"] = etag
        return not_modified
    try:
        handle = stored.storage.open(name, "rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=content_type)
    response["ETag"] = etag
    # Short, and revalidated by the ETag: the layout's link never changes, only the file behind it.
    response["Cache-Control"] = "public, max-age=300"
    response["X-Content-Type-Options"] = "nosniff"
    return response
