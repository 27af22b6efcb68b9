"""One request and everything each side may do with it: offer, ask, accept, cancel, complete, thank, report.

The page shows only the buttons a person may use; each button posts to a view that calls one service,
which decides. A refusal re-renders the page with status 400 and the service's message.
"""

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.accounts.models import User
from core.moderation.services import do_report
from core.requests import services
from core.requests.models import HelpRequest, Offer, OfferStatus, RequestState
from core.requests.permissions import is_moderator_of, is_poster_side
from core.requests.selectors import (
    conversations_visible_to,
    get_request_contact,
    get_visible_offer,
    may_see_contact,
    offers_on,
    reach_of,
    residents_for_offer,
)

from ..pages import member_required, show_errors
from ..roles import roles_of
from .common import person, visible_request
from .forms import (
    MYSELF,
    ActionForm,
    CancelRequestForm,
    OfferForm,
    QuestionForm,
    ReasonForm,
    ReportForm,
    ThankForm,
)

LIVE = (OfferStatus.PENDING, OfferStatus.ACCEPTED)
TEMPLATE = "web/requests/detail.html"


@dataclass(frozen=True)
class OfferRow:
    """An offer as this person sees it on the page, with the buttons they may press."""

    offer: Offer
    mine: bool  # I am the helper, or offered for them
    for_someone: bool  # staff offered for a resident
    may_answer: bool
    may_withdraw: bool
    may_cancel: bool
    cancel_form: forms.Form


def _residents(request: HttpRequest, req: HelpRequest) -> list[User]:
    """Residents a staff member may offer for; only staff of an answering group get the list."""
    if req.state != RequestState.OPEN or req.hidden_at is not None or not roles_of(request).staff:
        return []
    return residents_for_offer(user=person(request), request=req)


def _context(request: HttpRequest, req: HelpRequest, **given: Any) -> dict[str, Any]:
    user = person(request)
    reach = reach_of(user)
    poster_side = is_poster_side(user, req)
    moderator = is_moderator_of(user, req)
    offers = list(offers_on(user=user, request=req))
    is_open = req.state == RequestState.OPEN
    shown = req.hidden_at is None
    residents = _residents(request, req)
    offered_myself = any(offer.helper_id == user.pk and offer.status in LIVE for offer in offers)
    answers = req.channel_id in reach.answer_channel_ids
    may_ask = (
        is_open
        and shown
        and not poster_side
        and req.channel_id in reach.answer_channel_ids | reach.staff_answer_channel_ids
    )
    failed_offer = given.pop("failed_offer", None)
    rows = []
    for offer in offers:
        mine = user.pk in (offer.helper_id, offer.offered_by_id)
        may_cancel = (
            (poster_side or mine)
            and offer.status == OfferStatus.ACCEPTED
            and req.state in (RequestState.OPEN, RequestState.AGREED)
        )
        failed = failed_offer == offer.pk and "reason_form" in given
        rows.append(
            OfferRow(
                offer=offer,
                mine=mine,
                for_someone=offer.helper_id != offer.offered_by_id,
                may_answer=poster_side and is_open and offer.status == OfferStatus.PENDING,
                may_withdraw=mine and is_open and offer.status == OfferStatus.PENDING,
                may_cancel=may_cancel,
                cancel_form=given.pop("reason_form") if failed else ReasonForm(),
            )
        )
    return {
        "req": req,
        "poster_side": poster_side,
        "moderator": moderator,
        "offers": rows,
        "my_offers": [row for row in rows if row.mine],
        "may_offer": is_open and shown and not poster_side and ((answers and not offered_myself) or bool(residents)),
        "may_ask": may_ask,
        "may_cancel": req.state in (RequestState.OPEN, RequestState.AGREED) and (poster_side or moderator),
        "may_complete": poster_side and req.state == RequestState.AGREED,
        "may_thank": poster_side and req.state == RequestState.COMPLETED and req.thanked_at is None,
        "may_see_contact": may_see_contact(user=user, request=req),
        "conversations": list(conversations_visible_to(user).filter(request=req)),
        "client_name": req.client.name if poster_side and req.client is not None else "",
        "offer_form": given.pop("offer_form", None) or OfferForm(residents=residents),
        "question_form": given.pop("question_form", None) or QuestionForm(),
        "cancel_form": given.pop("cancel_form", None) or CancelRequestForm(),
        "thank_form": given.pop("thank_form", None) or ThankForm(),
        "action_form": given.pop("action_form", None) or ActionForm(),
    }


def _refused(
    request: HttpRequest,
    req: HelpRequest,
    error: ValidationError | PermissionDenied,
    *,
    form: forms.Form | None = None,
    key: str = "action_form",
    failed_offer: UUID | None = None,
) -> HttpResponse:
    """Re-render the page with the service's refusal: a field's message on its field, the rest at the top
    (the form that was sent may not even be shown to this person)."""
    top = ActionForm(data={})
    top.is_valid()
    given: dict[str, Any] = {"action_form": top, "failed_offer": failed_offer}
    fields = getattr(error, "error_dict", {}).keys()
    if form is not None and any(field in form.fields for field in fields):
        form.is_valid()
        show_errors(form, error)
        given[key] = form
    else:
        show_errors(top, error)
    return render(request, TEMPLATE, _context(request, req, **given), status=400)


@require_GET
@member_required
def request_detail(request: HttpRequest, pk: UUID) -> HttpResponse:
    req = visible_request(request, pk)
    return render(request, TEMPLATE, _context(request, req))


# --- The helpers' side ----------------------------------------------------------------------------


@require_POST
@member_required
def request_offer(request: HttpRequest, pk: UUID) -> HttpResponse:
    user = person(request)
    req = visible_request(request, pk)
    residents = _residents(request, req)
    form = OfferForm(request.POST, residents=residents)
    if not form.is_valid():
        context = _context(request, req, offer_form=form)
        return render(request, TEMPLATE, context, status=400)
    chosen = form.cleaned_data.get("on_behalf_of") or MYSELF
    resident = next((r for r in residents if str(r.pk) == chosen), None)
    try:
        services.do_offer(actor=user, request=req, message=form.cleaned_data["message"], on_behalf_of=resident)
    except (ValidationError, PermissionDenied) as error:
        return _refused(request, req, error, form=form, key="offer_form")
    if resident is not None:
        messages.success(
            request, _("You offered for %(name)s. You are told when they answer.") % {"name": resident.name}
        )
    else:
        messages.success(request, _("Thank you for offering! You are told when they answer."))
    return redirect("web:request", pk=req.pk)


@require_POST
@member_required
def request_question(request: HttpRequest, pk: UUID) -> HttpResponse:
    req = visible_request(request, pk)
    form = QuestionForm(request.POST)
    if not form.is_valid():
        return render(request, TEMPLATE, _context(request, req, question_form=form), status=400)
    try:
        message = services.do_ask_question(actor=person(request), request=req, body=form.cleaned_data["body"])
    except (ValidationError, PermissionDenied) as error:
        return _refused(request, req, error, form=form, key="question_form")
    messages.success(request, _("Your question is sent. The answer comes here."))
    return redirect("web:conversation", pk=message.conversation_id)


def _visible_offer(request: HttpRequest, pk: UUID) -> tuple[Offer, HelpRequest]:
    try:
        offer = get_visible_offer(user=person(request), offer_id=pk)
    except Offer.DoesNotExist:
        raise Http404 from None
    return offer, visible_request(request, offer.request_id)


@require_POST
@member_required
def offer_withdraw(request: HttpRequest, pk: UUID) -> HttpResponse:
    offer, req = _visible_offer(request, pk)
    try:
        services.do_withdraw_offer(actor=person(request), offer=offer)
    except (ValidationError, PermissionDenied) as error:
        return _refused(request, req, error)
    messages.success(request, _("Your offer is withdrawn."))
    return redirect("web:request", pk=req.pk)


# --- The poster's side ----------------------------------------------------------------------------


@require_POST
@member_required
def offer_accept(request: HttpRequest, pk: UUID) -> HttpResponse:
    offer, req = _visible_offer(request, pk)
    try:
        services.do_accept_offer(actor=person(request), offer=offer)
    except (ValidationError, PermissionDenied) as error:
        return _refused(request, req, error)
    req.refresh_from_db(fields=["state"])
    if req.state == RequestState.AGREED:
        messages.success(
            request,
            _("You accepted the offer and the request is agreed. Talk with your helpers in the conversation."),
        )
    else:
        messages.success(request, _("You accepted the offer. Accept more offers until you have enough helpers."))
    return redirect("web:request", pk=req.pk)


@require_POST
@member_required
def offer_decline(request: HttpRequest, pk: UUID) -> HttpResponse:
    offer, req = _visible_offer(request, pk)
    try:
        services.do_decline_offer(actor=person(request), offer=offer)
    except (ValidationError, PermissionDenied) as error:
        return _refused(request, req, error)
    messages.success(request, _("The offer is declined. The helper is thanked kindly."))
    return redirect("web:request", pk=req.pk)


@require_POST
@member_required
def offer_cancel(request: HttpRequest, pk: UUID) -> HttpResponse:
    """Either side ends an accepted offer, with a reason."""
    offer, req = _visible_offer(request, pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        context = _context(request, req, reason_form=form, failed_offer=offer.pk)
        return render(request, TEMPLATE, context, status=400)
    try:
        services.do_cancel_agreement(actor=person(request), offer=offer, reason=form.cleaned_data["reason"])
    except (ValidationError, PermissionDenied) as error:
        return _refused(request, req, error, form=form, key="reason_form", failed_offer=offer.pk)
    messages.success(request, _("The agreement is cancelled. The other side is told."))
    return redirect("web:request", pk=req.pk)


@require_POST
@member_required
def request_cancel(request: HttpRequest, pk: UUID) -> HttpResponse:
    req = visible_request(request, pk)
    form = CancelRequestForm(request.POST)
    if not form.is_valid():
        return render(request, TEMPLATE, _context(request, req, cancel_form=form), status=400)
    try:
        services.do_cancel_request(actor=person(request), request=req, reason=form.cleaned_data["reason"])
    except (ValidationError, PermissionDenied) as error:
        return _refused(request, req, error, form=form, key="cancel_form")
    messages.success(request, _("The request is cancelled. Everyone who offered is told."))
    return redirect("web:request", pk=req.pk)


@require_POST
@member_required
def request_complete(request: HttpRequest, pk: UUID) -> HttpResponse:
    req = visible_request(request, pk)
    try:
        services.do_complete_request(actor=person(request), request=req)
    except (ValidationError, PermissionDenied) as error:
        return _refused(request, req, error)
    messages.success(request, _("The request is completed. You can thank your helpers below."))
    return redirect("web:request", pk=req.pk)


@require_POST
@member_required
def request_thank(request: HttpRequest, pk: UUID) -> HttpResponse:
    req = visible_request(request, pk)
    form = ThankForm(request.POST)
    if not form.is_valid():
        return render(request, TEMPLATE, _context(request, req, thank_form=form), status=400)
    try:
        services.do_thank_helpers(actor=person(request), request=req, text=form.cleaned_data["text"])
    except (ValidationError, PermissionDenied) as error:
        return _refused(request, req, error, form=form, key="thank_form")
    messages.success(request, _("Your thanks are sent to the helpers."))
    return redirect("web:request", pk=req.pk)


# --- Contact details and reports ------------------------------------------------------------------


@never_cache
@require_GET
@member_required
def request_contact(request: HttpRequest, pk: UUID) -> HttpResponse:
    """Name, phone and address for an accepted helper; every look is written to the audit log."""
    req = visible_request(request, pk)
    try:
        contact = get_request_contact(viewer=person(request), request_id=req.pk)
    except HelpRequest.DoesNotExist:
        raise Http404 from None
    return render(request, "web/requests/contact.html", {"req": req, "contact": contact})


@require_http_methods(["GET", "POST"])
@member_required
def request_report(request: HttpRequest, pk: UUID) -> HttpResponse:
    req = visible_request(request, pk)
    form = ReportForm(request.POST if request.method == "POST" else None)
    context = {"form": form, "req": req, "back": req}
    if request.method != "POST":
        return render(request, "web/requests/report.html", context)
    if not form.is_valid():
        return render(request, "web/requests/report.html", context, status=400)
    try:
        do_report(reporter=person(request), request=req, reason=form.cleaned_data["reason"])
    except HelpRequest.DoesNotExist:
        raise Http404 from None
    except (ValidationError, PermissionDenied) as error:
        show_errors(form, error)
        return render(request, "web/requests/report.html", context, status=400)
    messages.success(request, _("Thank you. A moderator will look at your report."))
    return redirect("web:request", pk=req.pk)
