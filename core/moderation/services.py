"""Every write of moderation: reports, hiding content, warnings and suspensions, each with its audit row."""

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.accounts.models import User
from core.audit.services import record
from core.requests.models import ConversationMessage, HelpRequest

from .models import Report, ReportStatus, Sanction, SanctionKind
from .permissions import check_can_moderate_message, check_can_moderate_request, check_can_sanction

if TYPE_CHECKING:
    from core.notifications.services import Message

MAX_REASON_LENGTH = 1000


def _clean_reason(reason: str, *, blank: str) -> str:
    """The trimmed reason; `blank` is the (translated) message for an empty one."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": blank})
    if len(reason) > MAX_REASON_LENGTH:
        raise ValidationError({"reason": _("Keep the reason under %(max)d characters.") % {"max": MAX_REASON_LENGTH}})
    return reason


def _target_ids(report: Report) -> dict[str, str]:
    if report.request_id is not None:
        return {"request": str(report.request_id)}
    return {"message": str(report.message_id)}


# --- Reports ---------------------------------------------------------------------------------------


@transaction.atomic
def do_report(
    *,
    reporter: User,
    request: HelpRequest | None = None,
    message: ConversationMessage | None = None,
    reason: str,
) -> Report:
    """Report a request or a message the reporter can see, for its moderators.

    Reporting the same content again while the first report is open returns that report unchanged:
    a retried submission must not queue the same complaint twice. Content the reporter cannot see
    raises its model's DoesNotExist (a 404 that confirms nothing).
    """
    from core.requests.selectors import get_visible_message, get_visible_request

    if request is not None and message is not None:
        raise ValidationError(_("Report either a request or a message."))
    if request is not None:
        get_visible_request(user=reporter, request_id=request.pk)
        # The lock serialises two reports of the same content, so the "one open report" rule holds.
        locked_request = HelpRequest.objects.select_for_update().get(pk=request.pk)
        existing = Report.objects.filter(reporter=reporter, request=locked_request, status=ReportStatus.OPEN)
        reason = _clean_reason(reason, blank=_("Say what is wrong with it."))
        report = existing.first() or Report(reporter=reporter, request=locked_request, reason=reason)
    elif message is not None:
        get_visible_message(user=reporter, message_id=message.pk)
        locked_message = ConversationMessage.objects.select_for_update().get(pk=message.pk)
        existing = Report.objects.filter(reporter=reporter, message=locked_message, status=ReportStatus.OPEN)
        reason = _clean_reason(reason, blank=_("Say what is wrong with it."))
        report = existing.first() or Report(reporter=reporter, message=locked_message, reason=reason)
    else:
        raise ValidationError(_("Report either a request or a message."))
    if not report._state.adding:
        return report
    report.save(force_insert=True)
    record(action="report.created", actor=reporter, target=report, data=_target_ids(report))
    return report


def _reported_content(report: Report) -> HelpRequest | ConversationMessage:
    if report.request is not None:
        return report.request
    if report.message is not None:
        return report.message
    raise ValidationError(_("This report names no content."))


def _lock_open_report(*, actor: User, report: Report) -> tuple[Report, HelpRequest | ConversationMessage]:
    """The report, locked, and its content, locked, once the actor is known to moderate it and it is open."""
    report = Report.objects.select_related("request", "message__conversation__request").get(pk=report.pk)
    content = _reported_content(report)
    if isinstance(content, HelpRequest):
        check_can_moderate_request(actor, content)
        locked_content: HelpRequest | ConversationMessage = HelpRequest.objects.select_for_update().get(pk=content.pk)
    else:
        check_can_moderate_message(actor, content)
        locked_content = ConversationMessage.objects.select_for_update().get(pk=content.pk)
    locked = Report.objects.select_for_update().get(pk=report.pk)
    if locked.status != ReportStatus.OPEN:
        raise ValidationError(_("This report has already been dealt with."))
    return locked, locked_content


def _resolve_open_reports(
    *, actor: User, request: HelpRequest | None = None, message: ConversationMessage | None = None
) -> list[str]:
    """Mark every open report of the content actioned; the ids of those reports."""
    reports = Report.objects.filter(status=ReportStatus.OPEN)
    reports = reports.filter(request=request) if request is not None else reports.filter(message=message)
    ids = [str(pk) for pk in reports.select_for_update().values_list("pk", flat=True)]
    Report.objects.filter(pk__in=ids).update(
        status=ReportStatus.ACTIONED, resolved_at=timezone.now(), resolved_by=actor
    )
    return ids


def _hide(
    *, actor: User, target: HelpRequest | ConversationMessage, report_id: str | None = None
) -> HelpRequest | ConversationMessage:
    """Hide the (locked) content if it is not hidden yet, and close every open report of it."""
    if isinstance(target, HelpRequest):
        resolved = _resolve_open_reports(actor=actor, request=target)
    else:
        resolved = _resolve_open_reports(actor=actor, message=target)
    if target.hidden_at is None:
        target.hidden_at = timezone.now()
        target.hidden_by = actor
        target.save(update_fields=["hidden_at", "hidden_by"])
    elif not resolved:
        return target
    kind = "request" if isinstance(target, HelpRequest) else "message"
    data: dict[str, object] = {"reports": resolved}
    if report_id is not None:
        data["report"] = report_id
    record(action=f"{kind}.hidden", actor=actor, target=target, data=data)
    return target


@transaction.atomic
def do_hide_content(*, actor: User, report: Report) -> Report:
    """Hide the reported content; this report and every other open report of it become actioned."""
    report, content = _lock_open_report(actor=actor, report=report)
    _hide(actor=actor, target=content, report_id=str(report.pk))
    report.refresh_from_db()
    return report


@transaction.atomic
def do_dismiss_report(*, actor: User, report: Report) -> Report:
    """Leave the content as it is and close this report; other people's reports of it stay in the queue."""
    report, _content = _lock_open_report(actor=actor, report=report)
    report.status = ReportStatus.DISMISSED
    report.resolved_at = timezone.now()
    report.resolved_by = actor
    report.save(update_fields=["status", "resolved_at", "resolved_by"])
    record(action="report.dismissed", actor=actor, target=report, data=_target_ids(report))
    return report


@transaction.atomic
def do_hide_request(*, actor: User, request: HelpRequest) -> HelpRequest:
    """A moderator hides a request on their own initiative; open reports of it become actioned."""
    check_can_moderate_request(actor, request)
    locked = HelpRequest.objects.select_for_update().get(pk=request.pk)
    _hide(actor=actor, target=locked)
    return locked


@transaction.atomic
def do_hide_message(*, actor: User, message: ConversationMessage) -> ConversationMessage:
    """A moderator hides a message on their own initiative; open reports of it become actioned."""
    message = ConversationMessage.objects.select_related("conversation__request").get(pk=message.pk)
    check_can_moderate_message(actor, message)
    locked = ConversationMessage.objects.select_for_update().get(pk=message.pk)
    _hide(actor=actor, target=locked)
    return locked


@transaction.atomic
def do_unhide(
    *, actor: User, request: HelpRequest | None = None, message: ConversationMessage | None = None
) -> HelpRequest | ConversationMessage:
    """Show hidden content again; the reports that led to hiding it stay resolved. Unhidden content is left alone."""
    if request is not None and message is not None:
        raise ValidationError(_("Unhide either a request or a message."))
    target: HelpRequest | ConversationMessage
    if request is not None:
        check_can_moderate_request(actor, request)
        target = HelpRequest.objects.select_for_update().get(pk=request.pk)
    elif message is None:
        raise ValidationError(_("Unhide either a request or a message."))
    else:
        with_request = ConversationMessage.objects.select_related("conversation__request").get(pk=message.pk)
        check_can_moderate_message(actor, with_request)
        target = ConversationMessage.objects.select_for_update().get(pk=message.pk)
    if target.hidden_at is None:
        return target
    target.hidden_at = None
    target.hidden_by = None
    target.save(update_fields=["hidden_at", "hidden_by"])
    kind = "request" if isinstance(target, HelpRequest) else "message"
    record(action=f"{kind}.unhidden", actor=actor, target=target)
    return target


# --- Sanctions -------------------------------------------------------------------------------------


def _tell(*, user: User, key: str, render: Callable[[], "Message"]) -> None:
    """Tell the member once the change is committed; notify calls `render` in the member's language."""
    from core.notifications.events import Event
    from core.notifications.services import notify

    transaction.on_commit(lambda: notify(event=Event.MODERATION, user=user, key=key, render=render), robust=True)


@transaction.atomic
def do_warn(*, actor: User, user: User, reason: str) -> Sanction:
    """A formal warning: recorded, told to the member, with no other effect."""
    check_can_sanction(actor, user)
    reason = _clean_reason(reason, blank=_("Give a reason: the member is told it."))
    sanction = Sanction.objects.create(user=user, kind=SanctionKind.WARNING, reason=reason, given_by=actor)
    record(action="sanction.warning_given", actor=actor, target=sanction, data={"user": str(user.pk)})

    def render() -> "Message":
        from core.notifications.services import Message

        return Message(
            subject=_("A warning from the moderators"),
            body=_("You have been given a warning: %(reason)s") % {"reason": reason},
        )

    _tell(user=user, key=f"sanction:{sanction.pk}", render=render)
    return sanction


@transaction.atomic
def do_suspend(*, actor: User, user: User, reason: str, ends_at: datetime | None = None) -> Sanction:
    """Suspend the member until `ends_at` (or until lifted): they can neither post nor offer meanwhile."""
    check_can_sanction(actor, user)
    reason = _clean_reason(reason, blank=_("Give a reason: the member is told it."))
    if ends_at is not None and ends_at <= timezone.now():
        raise ValidationError({"ends_at": _("A suspension must end in the future.")})
    sanction = Sanction.objects.create(
        user=user, kind=SanctionKind.SUSPENSION, reason=reason, given_by=actor, ends_at=ends_at
    )
    record(
        action="sanction.suspended",
        actor=actor,
        target=sanction,
        data={"user": str(user.pk), "ends_at": ends_at.isoformat() if ends_at else None},
    )

    def render() -> "Message":
        from core.notifications.services import Message

        if ends_at is None:
            body = _("Your account is suspended until a moderator lifts the suspension: %(reason)s") % {
                "reason": reason
            }
        else:
            until = date_format(timezone.localtime(ends_at), "DATETIME_FORMAT")
            body = _("Your account is suspended until %(until)s: %(reason)s") % {"until": until, "reason": reason}
        return Message(subject=_("Your account is suspended"), body=body)

    _tell(user=user, key=f"sanction:{sanction.pk}", render=render)
    return sanction


@transaction.atomic
def do_lift_suspension(*, actor: User, sanction: Sanction) -> Sanction:
    """End a suspension early; lifting a warning, or a suspension already over, is refused."""
    sanction = Sanction.objects.select_for_update().select_related("user").get(pk=sanction.pk)
    check_can_sanction(actor, sanction.user)
    now = timezone.now()
    if sanction.kind != SanctionKind.SUSPENSION:
        raise ValidationError(_("Only a suspension can be lifted."))
    if sanction.lifted_at is not None or (sanction.ends_at is not None and sanction.ends_at <= now):
        raise ValidationError(_("This suspension is already over."))
    sanction.lifted_at = now
    sanction.lifted_by = actor
    sanction.save(update_fields=["lifted_at", "lifted_by"])
    record(action="sanction.lifted", actor=actor, target=sanction, data={"user": str(sanction.user_id)})

    def render() -> "Message":
        from core.notifications.services import Message

        return Message(
            subject=_("Your suspension is lifted"),
            body=_("Your suspension has been lifted: you can post requests and offer help again."),
        )

    _tell(user=sanction.user, key=f"sanction-lifted:{sanction.pk}", render=render)
    return sanction
