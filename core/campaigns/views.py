"""The page a campaign's link and QR code open: what the group is and requires, and a button to join it."""

import uuid

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.groups.models import MembershipStatus
from core.web.member_pages.requirements import requirement_rows

from .api import SESSION_VISITS
from .models import Campaign
from .selectors import get_open_campaign
from .services import do_join_campaign, do_record_visit


def _session_visit(request: HttpRequest, campaign: Campaign) -> uuid.UUID | None:
    raw = request.session.get(SESSION_VISITS, {}).get(str(campaign.pk))
    try:
        return uuid.UUID(raw) if raw else None
    except ValueError:
        return None


def _context(request: HttpRequest, campaign: Campaign) -> dict[str, object]:
    return {
        "campaign": campaign,
        "group": campaign.group,
        "rows": requirement_rows(user=request.user, group=campaign.group),
    }


@require_http_methods(["GET", "POST"])
def landing(request: HttpRequest, code: str) -> HttpResponse:
    try:
        campaign = get_open_campaign(code=code)
    except Campaign.DoesNotExist:
        raise Http404 from None
    if request.method == "GET":
        visit = do_record_visit(campaign=campaign, known_visit_id=_session_visit(request, campaign))
        request.session[SESSION_VISITS] = {**request.session.get(SESSION_VISITS, {}), str(campaign.pk): str(visit.pk)}
        return render(request, "campaigns/landing.html", _context(request, campaign))
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    try:
        joined = do_join_campaign(user=request.user, campaign=campaign, visit_id=_session_visit(request, campaign))
    except ValidationError as error:
        return render(
            request,
            "campaigns/landing.html",
            {**_context(request, campaign), "errors": error.messages},
            status=400,
        )
    if joined.membership.status == MembershipStatus.APPROVED:
        messages.success(request, _("Welcome to %(group)s!") % {"group": campaign.group.name})
    else:
        messages.info(
            request,
            _("Thank you! Your application to %(group)s has been sent; a leader will get back to you.")
            % {"group": campaign.group.name},
        )
    # The group's page shows what is left to do (sign the declaration, show a certificate...).
    return redirect("web:group", pk=campaign.group_id)
