"""The member's own pages: profile, date of birth, qualifications and notification preferences."""

from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.accounts.models import User
from core.accounts.services import do_update_profile
from core.branding.selectors import branding
from core.groups.models import MembershipStatus
from core.groups.selectors import memberships_of
from core.notifications.services import do_set_preferences, preferences_of
from core.qualification.selectors import checklists_for
from core.qualification.services import do_set_birth_date

from ..pages import member_required, show_errors
from .forms import BirthDateForm, NotificationsForm, ProfileForm
from .requirements import SOON_DAYS, rows_for

CURRENT = (MembershipStatus.APPLIED, MembershipStatus.APPROVED)


def _person(request: HttpRequest) -> User:
    return cast("User", request.user)


def _languages() -> list[tuple[str, str]]:
    offered = set(branding().languages or [])
    return [(code, name) for code, name in settings.LANGUAGES if code in offered] or list(settings.LANGUAGES)


def _profile_page(
    request: HttpRequest,
    *,
    profile_form: ProfileForm | None = None,
    birth_form: BirthDateForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = _person(request)
    languages = _languages()
    if profile_form is None:
        profile_form = ProfileForm(
            languages=languages, initial={"name": user.name, "email": user.email, "language": user.language}
        )
    if birth_form is None:
        birth_form = BirthDateForm(initial={"birth_date": user.birth_date})
    memberships = [m for m in memberships_of(user) if m.status in (*CURRENT, MembershipStatus.LAPSED)]
    context = {
        "person": user,
        "profile_form": profile_form,
        "birth_form": birth_form,
        "memberships": memberships,
    }
    return render(request, "web/me/profile.html", context, status=status)


@require_http_methods(["GET", "POST"])
@member_required
def profile(request: HttpRequest) -> HttpResponse:
    """My name, e-mail address, language and number; my groups; the way to my other pages."""
    if request.method == "GET":
        return _profile_page(request)
    user = _person(request)
    form = ProfileForm(data=request.POST, languages=_languages())
    if form.is_valid():
        try:
            user = do_update_profile(
                user=user,
                name=form.cleaned_data["name"],
                email=form.cleaned_data["email"],
                language=form.cleaned_data["language"],
            )
        except ValidationError as error:
            show_errors(form, error)
        else:
            with translation.override(user.language):
                messages.success(request, _("Your details are saved."))
            response = redirect("web:profile")
            # This browser speaks the chosen language from now on (the cookie outranks the saved choice).
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                user.language,
                max_age=365 * 24 * 3600,
                secure=request.is_secure(),
                httponly=True,
                samesite="Lax",
            )
            return response
    return _profile_page(request, profile_form=form, status=400)


@require_POST
@member_required
def birth_date(request: HttpRequest) -> HttpResponse:
    """My date of birth, which groups with a minimum age ask for."""
    user = _person(request)
    form = BirthDateForm(data=request.POST)
    if form.is_valid():
        try:
            do_set_birth_date(actor=user, user=user, birth_date=form.cleaned_data["birth_date"])
        except (ValidationError, PermissionDenied) as error:
            show_errors(form, error)
        else:
            messages.success(request, _("Your date of birth is saved."))
            return redirect("web:profile")
    return _profile_page(request, birth_form=form, status=400)


@member_required
def qualifications(request: HttpRequest) -> HttpResponse:
    """For each of my groups, what it requires, when each check was recorded and when it must be renewed."""
    user = _person(request)
    today = timezone.localdate()
    mine = list(memberships_of(user).filter(status__in=(*CURRENT, MembershipStatus.LAPSED)))
    current = [m for m in mine if m.status in CURRENT]
    checklists = checklists_for(user=user, group_ids=[m.group_id for m in current], today=today)
    entries: list[dict[str, Any]] = [
        {"membership": m, "rows": rows_for(checklists[m.group_id], today=today)} for m in current
    ]
    context = {
        "entries": entries,
        "lapsed": [m for m in mine if m.status == MembershipStatus.LAPSED],
        "soon_days": SOON_DAYS,
    }
    return render(request, "web/me/qualifications.html", context)


@require_http_methods(["GET", "POST"])
@member_required
def notifications(request: HttpRequest) -> HttpResponse:
    """How I am told of each event (SMS, e-mail, daily digest or not at all), and my quiet hours."""
    user = _person(request)
    preferences = preferences_of(user)
    if request.method == "GET":
        form = NotificationsForm(preferences=preferences)
        return render(request, "web/me/notifications.html", {"form": form, "person": user})
    form = NotificationsForm(data=request.POST, preferences=preferences)
    if form.is_valid():
        try:
            do_set_preferences(
                user=user,
                channels=form.changed_channels(),
                quiet_start=form.cleaned_data["quiet_start"],
                quiet_end=form.cleaned_data["quiet_end"],
            )
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("Your notification choices are saved."))
            return redirect("web:notifications")
    return render(request, "web/me/notifications.html", {"form": form, "person": user}, status=400)
