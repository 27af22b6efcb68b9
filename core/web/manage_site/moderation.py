"""The moderation queue, oldest report first; each report with its content, the decision and its author's sanctions."""

from typing import Any
from uuid import UUID

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.accounts.models import User
from core.moderation.models import Report, ReportStatus, Sanction, SanctionKind
from core.moderation.permissions import can_sanction, is_suspended
from core.moderation.selectors import (
    get_report_for_moderation,
    get_visible_sanction,
    messages_around,
    moderation_queue,
    open_reports_of,
    sanctions_of,
)
from core.moderation.services import (
    do_dismiss_report,
    do_hide_content,
    do_lift_suspension,
    do_suspend,
    do_unhide,
    do_warn,
)
from core.requests.models import ConversationMessage, HelpRequest

from ..pages import manager_required
from .common import end_of, found, page, page_of, person, refused
from .forms import ActionForm, SanctionForm

STATUS_BADGES = {
    ReportStatus.OPEN: "badge-pending",
    ReportStatus.ACTIONED: "badge-ok",
    ReportStatus.DISMISSED: "badge",
}


@require_GET
@manager_required
def queue(request: HttpRequest) -> HttpResponse:
    """The open reports of what I moderate, oldest first: work from the top."""
    reports = page_of(request, moderation_queue(user=person(request)))
    return page(request, "web/manage/site/moderation.html", {"page": reports, "reports": reports.object_list})


def _report(request: HttpRequest, pk: UUID) -> Report:
    with found():
        return get_report_for_moderation(user=person(request), report_id=pk)


def _content(report: Report) -> HelpRequest | ConversationMessage:
    return report.request if report.request is not None else report.message  # type: ignore[return-value]


def _author(report: Report) -> User:
    if report.request is not None:
        return report.request.posted_by
    assert report.message is not None  # noqa: S101 - a report names exactly one target (a check constraint)
    return report.message.author


def _in_force(sanction: Sanction) -> bool:
    """A suspension neither lifted nor run out (one that can be lifted)."""
    return (
        sanction.kind == SanctionKind.SUSPENSION
        and sanction.lifted_at is None
        and (sanction.ends_at is None or sanction.ends_at > timezone.now())
    )


def _report_page(request: HttpRequest, report: Report, *, status: int = 200, **given: forms.Form) -> HttpResponse:
    viewer = person(request)
    content = _content(report)
    author = _author(report)
    context: dict[str, Any] = {
        "report": report,
        "badge": STATUS_BADGES.get(ReportStatus(report.status), "badge"),
        "is_open": report.status == ReportStatus.OPEN,
        "content": content,
        "is_request": isinstance(content, HelpRequest),
        "hidden": content.hidden_at is not None,
        "context_messages": messages_around(message=content) if isinstance(content, ConversationMessage) else [],
        "waiting": open_reports_of(report),
        "author": author,
        "author_suspended": is_suspended(author),
        "may_sanction": can_sanction(viewer, author),
        "sanctions": [
            {"sanction": sanction, "active": _in_force(sanction)}
            for sanction in sanctions_of(viewer=viewer, user=author)[:10]
        ],
        "action_form": given.get("action_form") or ActionForm(),
        "sanction_form": given.get("sanction_form") or SanctionForm(initial={"kind": SanctionKind.WARNING}),
    }
    return page(request, "web/manage/site/report.html", context, status=status)


@require_GET
@manager_required
def report_detail(request: HttpRequest, pk: UUID) -> HttpResponse:
    return _report_page(request, _report(request, pk))


@require_POST
@manager_required
def report_decide(request: HttpRequest, pk: UUID) -> HttpResponse:
    """Hide the reported content (closing every open report of it), dismiss the report, or show the content again."""
    report = _report(request, pk)
    decision = request.POST.get("decision", "")
    actor = person(request)
    try:
        if decision == "hide":
            do_hide_content(actor=actor, report=report)
            done = _("The content is hidden and its reports are closed.")
        elif decision == "dismiss":
            do_dismiss_report(actor=actor, report=report)
            done = _("The report is dismissed; the content stays as it is.")
        elif decision == "unhide":
            content = _content(report)
            if isinstance(content, HelpRequest):
                do_unhide(actor=actor, request=content)
            else:
                do_unhide(actor=actor, message=content)
            done = _("The content is shown again.")
        else:
            return _report_page(request, report, status=400, action_form=_unknown_decision())
    except (ValidationError, PermissionDenied) as error:
        return _report_page(request, _report(request, pk), status=400, action_form=refused(ActionForm({}), error))
    messages.success(request, done)
    if decision == "unhide":
        return redirect("web:moderation-report", pk=report.pk)
    return redirect("web:moderation")


def _unknown_decision() -> ActionForm:
    form = ActionForm({})
    form.is_valid()
    form.add_error(None, _("Choose what to do with the report."))
    return form


@require_POST
@manager_required
def report_sanction(request: HttpRequest, pk: UUID) -> HttpResponse:
    """Warn or suspend the author of the reported content, with a reason they are told."""
    report = _report(request, pk)
    form = SanctionForm(request.POST)
    if not form.is_valid():
        return _report_page(request, report, status=400, sanction_form=form)
    data = form.cleaned_data
    author = _author(report)
    actor = person(request)
    try:
        if data["kind"] == SanctionKind.WARNING:
            if data["until"] is not None:
                form.add_error("until", _("A warning has no end date."))
                return _report_page(request, report, status=400, sanction_form=form)
            do_warn(actor=actor, user=author, reason=data["reason"])
            done = _("%(name)s is warned and told why.") % {"name": author.name}
        else:
            do_suspend(actor=actor, user=author, reason=data["reason"], ends_at=end_of(data["until"]))
            done = _("%(name)s is suspended and told why.") % {"name": author.name}
    except (ValidationError, PermissionDenied) as error:
        return _report_page(request, report, status=400, sanction_form=refused(form, error))
    messages.success(request, done)
    return redirect("web:moderation-report", pk=report.pk)


@require_POST
@manager_required
def sanction_lift(request: HttpRequest, pk: UUID, sanction_pk: UUID) -> HttpResponse:
    """End the author's suspension now."""
    report = _report(request, pk)
    actor = person(request)
    with found():
        sanction = get_visible_sanction(viewer=actor, sanction_id=sanction_pk)
    try:
        do_lift_suspension(actor=actor, sanction=sanction)
    except (ValidationError, PermissionDenied) as error:
        return _report_page(request, report, status=400, action_form=refused(ActionForm({}), error))
    messages.success(request, _("The suspension is lifted."))
    return redirect("web:moderation-report", pk=report.pk)
