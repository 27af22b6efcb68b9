"""The page an invitation link opens: see what you are invited to and what it requires, sign in, accept."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.web.member_pages.requirements import requirement_rows

from .models import MembershipStatus
from .selectors import get_usable_invitation
from .services import do_accept_invitation


@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    # Referrer-Policy is same-origin site-wide, so the secret in this URL never leaves our host.
    pending = get_usable_invitation(token=token)
    if pending is None:
        return render(request, "groups/invitation_invalid.html", status=404)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if request.method == "GET":
        rows = requirement_rows(user=request.user, group=pending.group) if pending.group is not None else []
        return render(request, "groups/invitation.html", {"invitation": pending, "rows": rows})
    try:
        membership = do_accept_invitation(user=request.user, token=token)
    except ValidationError:
        return render(request, "groups/invitation_invalid.html", status=404)
    if membership is None:
        messages.success(request, _("You are now an admin of this site."))
        return HttpResponseRedirect("/")
    if membership.status == MembershipStatus.APPROVED:
        messages.success(request, _("Welcome to %(group)s!") % {"group": membership.group.name})
    else:
        messages.info(
            request,
            _("You have applied to %(group)s. A leader will approve you once the group's requirements are met.")
            % {"group": membership.group.name},
        )
    # The group's page shows what is left to do before a leader's approval counts.
    return redirect("web:group", pk=membership.group_id)
