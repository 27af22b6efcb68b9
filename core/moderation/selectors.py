"""Reads of moderation: the queue of open reports, one report or request for a moderator, sanctions."""

from uuid import UUID

from django.db.models import Q, QuerySet

from core.accounts.models import User
from core.groups.permissions import is_tenant_admin
from core.requests.models import ConversationMessage, HelpRequest

from .models import Report, ReportStatus, Sanction
from .permissions import ModerationScope, can_moderate_request, moderation_scope, sanctionable_user_ids


def _reports_moderated_by(scope: ModerationScope) -> QuerySet[Report]:
    reports = Report.objects.select_related(
        "request__channel",
        "request__poster_group",
        "request__posted_by",
        "message__author",
        "message__conversation__request__channel",
    )
    if scope.is_admin:
        return reports
    if not scope.moderates_anything:
        return reports.none()
    return reports.filter(
        scope.request_condition("request__") | scope.request_condition("message__conversation__request__")
    )


def moderation_queue(*, user: User) -> QuerySet[Report]:
    """Open reports of content the person moderates, oldest first, with the content fetched alongside.

    Two queries to know the person's groups and channels, then one for the page, however long the queue.
    """
    return _reports_moderated_by(moderation_scope(user)).filter(status=ReportStatus.OPEN).order_by("created_at", "id")


def get_report_for_moderation(*, user: User, report_id: UUID) -> Report:
    """A report (in any status) of content the person moderates; Report.DoesNotExist for anyone else."""
    return _reports_moderated_by(moderation_scope(user)).get(pk=report_id)


def messages_around(*, message: ConversationMessage, span: int = 3) -> list[ConversationMessage]:
    """The reported message with up to `span` messages before and after it in its conversation, in order.

    For a moderator who already may moderate the message: the context, not the whole conversation.
    Two queries, however long the conversation.
    """
    conversation = ConversationMessage.objects.filter(conversation_id=message.conversation_id).select_related("author")
    earlier = Q(created_at__lt=message.created_at) | Q(created_at=message.created_at, id__lt=message.id)
    later = Q(created_at__gt=message.created_at) | Q(created_at=message.created_at, id__gt=message.id)
    before = list(conversation.filter(earlier).order_by("-created_at", "-id")[:span])
    after = list(conversation.filter(later).order_by("created_at", "id")[:span])
    return [*reversed(before), message, *after]


def open_reports_of(report: Report) -> int:
    """How many reports of the same content are waiting, this one included."""
    same = Q(request_id=report.request_id) if report.request_id is not None else Q(message_id=report.message_id)
    return Report.objects.filter(same, status=ReportStatus.OPEN).count()


def get_request_for_moderation(*, user: User, request_id: UUID) -> HelpRequest:
    """The request for a moderator; DoesNotExist for someone who may neither moderate nor see it.

    Someone who sees it but does not moderate it gets the request, and the service refuses them (403).
    """
    from core.requests.selectors import get_visible_request

    request = HelpRequest.objects.get(pk=request_id)
    if not can_moderate_request(user, request):
        get_visible_request(user=user, request_id=request_id)
    return request


def sanctions_visible_to(*, viewer: User) -> QuerySet[Sanction]:
    """Newest first: every sanction for an admin; for a leader those of their groups' approved members;
    everyone sees their own."""
    sanctions = Sanction.objects.select_related("user", "given_by", "lifted_by").order_by("-created_at", "-id")
    if is_tenant_admin(viewer):
        return sanctions
    allowed = sanctionable_user_ids(viewer) or frozenset()
    return sanctions.filter(Q(user_id__in=allowed) | Q(user_id=viewer.pk))


def sanctions_of(*, viewer: User, user: User) -> QuerySet[Sanction]:
    """The sanctions of one member, as far as the viewer may see them (nothing if they may not)."""
    return sanctions_visible_to(viewer=viewer).filter(user=user)


def get_visible_sanction(*, viewer: User, sanction_id: UUID) -> Sanction:
    return sanctions_visible_to(viewer=viewer).get(pk=sanction_id)
