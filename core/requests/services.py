"""Every change to requests, offers and conversations: one audited function per change."""

from datetime import datetime, timedelta
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core.accounts.models import User
from core.audit.services import record
from core.clients.models import Client
from core.clients.permissions import can_keep_clients_of
from core.groups.models import Category, Channel, Group, Membership, MembershipStatus
from core.groups.permissions import check_tenant_admin, is_tenant_admin
from core.moderation.permissions import check_not_suspended
from core.notifications.events import Event
from core.qualification.selectors import currently_qualified_user_ids
from onboarding.milestones import OPERATIONAL, mark
from tenants.db import current_schema

from .models import (
    Conversation,
    ConversationKind,
    ConversationMessage,
    ConversationRead,
    HelpRequest,
    Offer,
    OfferStatus,
    RequestPolicy,
    RequestState,
    Timing,
)
from .notices import tell, tell_after_commit
from .permissions import accepted_helper_ids, is_moderator_of, is_poster_side, offerer_ids, poster_side_user_ids
from .selectors import participant_ids, reach_of
from .states import transition
from .textcheck import check_no_personal_data

MAX_OPEN_DAYS = 60
MAX_MESSAGE_LENGTH = 4000

# Texts of the notices, translated in the recipient's language when they are sent.
NEW_OFFER = gettext_noop("Someone offered to help with “%(title)s”.")
OFFER_ACCEPTED = gettext_noop("You are agreed for “%(title)s”. Thank you! Open it for the address and contact.")
OFFER_DECLINED = gettext_noop("Thank you for offering to help with “%(title)s”. Someone else is taking it this time.")
AGREEMENT_CANCELLED = gettext_noop("The agreement for “%(title)s” was cancelled.")
REQUEST_CANCELLED = gettext_noop("“%(title)s” was cancelled; you are no longer needed for it.")
NEW_MESSAGE = gettext_noop("New message about “%(title)s”.")
THANKS = gettext_noop("You were thanked for helping with “%(title)s”.")


def policy() -> RequestPolicy:
    return RequestPolicy.objects.get_or_create(singleton=True)[0]


def _open_until(*, now: datetime, starts_at: datetime | None, open_days: int | None = None) -> datetime:
    """The tenant's default open period (or the poster's), never past the start of the help."""
    until = now + timedelta(days=open_days or policy().default_open_days)
    return min(until, starts_at) if starts_at is not None else until


def _lock(request: HelpRequest) -> HelpRequest:
    return HelpRequest.objects.select_for_update().get(pk=request.pk)


def _check_poster_side(actor: User, request: HelpRequest) -> None:
    if not is_poster_side(actor, request):
        raise PermissionDenied(_("Only the person who posted the request, or staff keeping its client, may do this."))


# --- Posting ------------------------------------------------------------------------------------


def _poster_group(*, actor: User, channel: Channel, client: Client | None, poster_group: Group | None) -> Group:
    publishing = set(channel.publishing_groups.values_list("pk", flat=True))
    if client is not None:
        if client.archived_at is not None:
            raise ValidationError({"client": _("This client record is archived.")})
        if not can_keep_clients_of(actor, client.group):
            raise PermissionDenied(_("Only the group's staff and leaders and the tenant's admins may do this."))
        if client.group_id not in publishing:
            raise ValidationError({"channel": _("The client's group does not publish into this channel.")})
        return client.group
    approved = Membership.objects.filter(
        user=actor, status=MembershipStatus.APPROVED, group_id__in=publishing, group__archived_at__isnull=True
    ).select_related("group")
    if poster_group is not None:
        approved = approved.filter(group=poster_group)
    membership = approved.order_by("applied_at").first()
    if membership is not None:
        return membership.group
    if is_tenant_admin(actor):
        # Admins run the tenant: they post through any publishing group of the channel.
        groups = channel.publishing_groups.filter(archived_at__isnull=True).order_by("name")
        chosen = groups.filter(pk=poster_group.pk).first() if poster_group else groups.first()
        if chosen is not None:
            return chosen
    raise PermissionDenied(_("Only approved members of a group that publishes into this channel may post here."))


def _check_timing(*, timing: str, starts_at: datetime | None, ends_at: datetime | None, now: datetime) -> None:
    if timing == Timing.FLEXIBLE and (starts_at or ends_at):
        raise ValidationError({"timing": _("A flexible request has no time; choose a time or a window.")})
    if timing in (Timing.AT, Timing.WINDOW) and starts_at is None:
        raise ValidationError({"starts_at": _("Say when help is needed.")})
    if timing == Timing.AT and ends_at is not None:
        raise ValidationError({"ends_at": _("A request at a time has no end; choose a window instead.")})
    if timing == Timing.WINDOW and ends_at is None:
        raise ValidationError({"ends_at": _("Say when the window ends.")})
    if starts_at is not None and starts_at <= now:
        raise ValidationError({"starts_at": _("The time must be in the future.")})
    if starts_at is not None and ends_at is not None and ends_at < starts_at:
        raise ValidationError({"ends_at": _("The window must end after it starts.")})


@transaction.atomic
def do_post_request(
    *,
    actor: User,
    channel: Channel,
    title: str,
    description: str = "",
    category: Category | None = None,
    timing: str = Timing.FLEXIBLE,
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
    area: str = "",
    address: str = "",
    helpers_needed: int = 1,
    open_days: int | None = None,
    client: Client | None = None,
    poster_group: Group | None = None,
) -> HelpRequest:
    """Post a request into a channel, for oneself or (staff) for a client; eligible members are told in the background.

    Only `title` and `channel` are required. The request stays open for the tenant's default
    number of days (or `open_days`), never past its start.
    """
    title = title.strip()
    if not title:
        raise ValidationError({"title": _("Give the request a title.")})
    if channel.archived_at is not None:
        raise ValidationError({"channel": _("This channel is archived.")})
    if not 1 <= helpers_needed <= 50:
        raise ValidationError({"helpers_needed": _("Ask for between 1 and 50 helpers.")})
    if open_days is not None and not 1 <= open_days <= MAX_OPEN_DAYS:
        raise ValidationError(
            {"open_days": _("A request stays open for 1 to %(days)d days.") % {"days": MAX_OPEN_DAYS}}
        )
    if timing not in Timing.values:
        raise ValidationError({"timing": _("Choose a time, a window or flexible.")})
    check_no_personal_data(title=title, description=description)
    check_not_suspended(actor)
    now = timezone.now()
    _check_timing(timing=timing, starts_at=starts_at, ends_at=ends_at, now=now)
    group = _poster_group(actor=actor, channel=channel, client=client, poster_group=poster_group)
    expires_at = _open_until(now=now, starts_at=starts_at, open_days=open_days)
    request = HelpRequest.objects.create(
        channel=channel,
        poster_group=group,
        posted_by=actor,
        client=client,
        title=title,
        description=description.strip(),
        category=category,
        timing=timing,
        starts_at=starts_at,
        ends_at=ends_at,
        area=area.strip(),
        address=address.strip(),
        helpers_needed=helpers_needed,
        created_at=now,
        state_changed_at=now,
        expires_at=expires_at,
    )
    record(
        action="request.posted",
        actor=actor,
        target=request,
        on_behalf_of=client,
        data={"channel": str(channel.pk), "group": str(group.pk)},
    )
    mark(current_schema(), OPERATIONAL)
    from .tasks import dispatch_fan_out

    # If the broker is down the request keeps fanout_done_at empty and the sweep tells people later.
    transaction.on_commit(lambda: dispatch_fan_out(request.pk), robust=True)
    return request


def eligible_helper_ids(request: HelpRequest) -> set[UUID]:
    """Approved, currently qualified members of the channel's answering groups, but not the poster's side."""
    ids: set[UUID] = set()
    for group in request.channel.answering_groups.filter(archived_at__isnull=True):
        ids |= currently_qualified_user_ids(group=group)
    active = set(User.objects.filter(pk__in=ids, is_active=True).values_list("pk", flat=True))
    return active - poster_side_user_ids(request)


def do_fan_out(*, request_id: UUID) -> int:
    """Tell every eligible member of a new request, in batches; safe to run again (nobody is told twice)."""
    request = HelpRequest.objects.select_related("channel").get(pk=request_id)
    if request.fanout_done_at is not None:
        return 0
    told = 0
    if request.state == RequestState.OPEN and request.hidden_at is None:
        told = tell(
            event=Event.NEW_REQUEST,
            user_ids=sorted(eligible_helper_ids(request)),
            key=f"request:{request.pk}",
            request=request,
            text=gettext_noop("New request you can help with: “%(title)s”."),
        )
    HelpRequest.objects.filter(pk=request.pk, fanout_done_at__isnull=True).update(fanout_done_at=timezone.now())
    return told


# --- Offers -------------------------------------------------------------------------------------


def _answering_group_for(*, helper: User, request: HelpRequest, offered_by: User) -> Group:
    """The answering group through which the offer is made; PermissionDenied if there is none."""
    answering = list(request.channel.answering_groups.filter(archived_at__isnull=True))
    for group in answering:
        if helper.pk not in currently_qualified_user_ids(group=group, user_ids=[helper.pk]):
            continue
        if offered_by.pk == helper.pk or can_keep_clients_of(offered_by, group):
            return group
    if offered_by.pk == helper.pk:
        raise PermissionDenied(_("Only approved, qualified members of the channel's answering groups may offer help."))
    raise PermissionDenied(
        _("You may offer on behalf of a resident only as staff of an answering group the resident is qualified in.")
    )


@transaction.atomic
def do_offer(*, actor: User, request: HelpRequest, message: str = "", on_behalf_of: User | None = None) -> Offer:
    """Offer to help (or, as staff, offer for a resident); the poster's side is told."""
    request = _lock(request)
    check_not_suspended(actor)
    helper = on_behalf_of or actor
    if helper.pk != actor.pk:
        check_not_suspended(helper)
    if request.state != RequestState.OPEN or request.hidden_at is not None:
        raise ValidationError(_("This request is no longer open for offers."), code="not_open")
    if is_poster_side(helper, request):
        raise ValidationError(_("You cannot offer to help with your own request."), code="own_request")
    check_no_personal_data(message=message)
    group = _answering_group_for(helper=helper, request=request, offered_by=actor)
    now = timezone.now()
    try:
        with transaction.atomic():
            offer = Offer.objects.create(
                request=request,
                helper=helper,
                offered_by=actor,
                via_group=group,
                message=message.strip(),
                created_at=now,
            )
    except IntegrityError:
        raise ValidationError(
            _("There is already an offer for this person on this request."), code="duplicate"
        ) from None
    if request.first_offer_at is None:
        request.first_offer_at = now
        request.save(update_fields=["first_offer_at"])
    record(
        action="offer.made",
        actor=actor,
        target=offer,
        on_behalf_of=helper if helper.pk != actor.pk else None,
        data={"request": str(request.pk), "group": str(group.pk)},
    )
    tell_after_commit(
        event=Event.NEW_OFFER,
        user_ids=poster_side_user_ids(request),
        key=f"offer:{offer.pk}",
        request=request,
        text=NEW_OFFER,
    )
    return offer


def _is_offerer(user: User, offer: Offer) -> bool:
    return user.pk in offerer_ids(offer)


@transaction.atomic
def do_withdraw_offer(*, actor: User, offer: Offer) -> Offer:
    request = _lock(offer.request)
    offer = Offer.objects.select_for_update().get(pk=offer.pk)
    if not _is_offerer(actor, offer):
        raise PermissionDenied(_("Only the helper, or the staff member who offered for them, may withdraw the offer."))
    if request.state != RequestState.OPEN or offer.status not in (OfferStatus.PENDING, OfferStatus.ACCEPTED):
        raise ValidationError(_("An offer can be withdrawn only while the request is open."), code="not_open")
    offer.status = OfferStatus.WITHDRAWN
    offer.ended_at = timezone.now()
    offer.save(update_fields=["status", "ended_at"])
    record(action="offer.withdrawn", actor=actor, target=offer, data={"request": str(request.pk)})
    return offer


def decline_kindly(*, offer: Offer, actor: User | None, request: HelpRequest) -> None:
    offer.status = OfferStatus.DECLINED
    offer.decided_at = timezone.now()
    offer.save(update_fields=["status", "decided_at"])
    record(action="offer.declined", actor=actor, target=offer, data={"request": str(request.pk)})
    tell_after_commit(
        event=Event.OFFER_DECLINED,
        user_ids=offerer_ids(offer),
        key=f"offer:{offer.pk}:declined",
        request=request,
        text=OFFER_DECLINED,
    )


@transaction.atomic
def do_accept_offer(*, actor: User, offer: Offer) -> Offer:
    """Accept an offer; with enough helpers the request is agreed and the other offers are declined kindly."""
    request = _lock(offer.request)
    offer = Offer.objects.select_for_update().get(pk=offer.pk)
    _check_poster_side(actor, request)
    if request.state != RequestState.OPEN:
        raise ValidationError(_("Offers can be accepted only while the request is open."), code="not_open")
    if offer.status != OfferStatus.PENDING:
        raise ValidationError(_("This offer is no longer waiting for an answer."), code="not_pending")
    offer.status = OfferStatus.ACCEPTED
    offer.decided_at = timezone.now()
    offer.save(update_fields=["status", "decided_at"])
    record(action="offer.accepted", actor=actor, target=offer, data={"request": str(request.pk)})
    tell_after_commit(
        event=Event.OFFER_ACCEPTED,
        user_ids=offerer_ids(offer),
        key=f"offer:{offer.pk}:accepted",
        request=request,
        text=OFFER_ACCEPTED,
    )
    accepted = Offer.objects.filter(request=request, status=OfferStatus.ACCEPTED).count()
    if accepted >= request.helpers_needed:
        agree(request=request, actor=actor)
    return offer


def agree(*, request: HelpRequest, actor: User | None) -> None:
    transition(request, to=RequestState.AGREED, actor=actor)
    Conversation.objects.get_or_create(request=request, kind=ConversationKind.AGREEMENT)
    for other in Offer.objects.filter(request=request, status=OfferStatus.PENDING).select_for_update():
        decline_kindly(offer=other, actor=actor, request=request)


@transaction.atomic
def do_decline_offer(*, actor: User, offer: Offer) -> Offer:
    request = _lock(offer.request)
    offer = Offer.objects.select_for_update().get(pk=offer.pk)
    _check_poster_side(actor, request)
    if offer.status != OfferStatus.PENDING:
        raise ValidationError(_("This offer is no longer waiting for an answer."), code="not_pending")
    decline_kindly(offer=offer, actor=actor, request=request)
    return offer


@transaction.atomic
def do_cancel_agreement(*, actor: User, offer: Offer, reason: str) -> Offer:
    """Either side ends an accepted offer with a reason; an agreed request reopens for new offers."""
    request = _lock(offer.request)
    offer = Offer.objects.select_for_update().get(pk=offer.pk)
    helper_side = _is_offerer(actor, offer)
    if not helper_side and not is_poster_side(actor, request):
        raise PermissionDenied(_("Only the helper or the poster's side may cancel this agreement."))
    if offer.status != OfferStatus.ACCEPTED or request.state not in (RequestState.OPEN, RequestState.AGREED):
        raise ValidationError(_("Only an accepted offer on an open or agreed request can be cancelled."))
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why, so the other side understands.")})
    now = timezone.now()
    offer.status = OfferStatus.CANCELLED
    offer.ended_at = now
    offer.end_reason = reason
    offer.save(update_fields=["status", "ended_at", "end_reason"])
    record(action="offer.agreement_cancelled", actor=actor, target=offer, data={"request": str(request.pk)})
    if request.state == RequestState.AGREED:
        transition(request, to=RequestState.OPEN, actor=actor)
        if request.expires_at <= now:
            # Give it the time it would have had as a new request, still never past its start.
            request.expires_at = _open_until(now=now, starts_at=request.starts_at)
            request.expiry_reminded_at = None
            request.save(update_fields=["expires_at", "expiry_reminded_at"])
    others = poster_side_user_ids(request) if helper_side else offerer_ids(offer)
    tell_after_commit(
        event=Event.AGREEMENT_CANCELLED,
        user_ids=others - {actor.pk},
        key=f"offer:{offer.pk}:cancelled",
        request=request,
        text=AGREEMENT_CANCELLED,
    )
    return offer


# --- The request itself -------------------------------------------------------------------------


@transaction.atomic
def do_cancel_request(*, actor: User, request: HelpRequest, reason: str = "") -> HelpRequest:
    """The poster's side (or an admin/moderator) cancels; waiting and accepted helpers are told."""
    request = _lock(request)
    if not is_poster_side(actor, request) and not is_moderator_of(actor, request):
        raise PermissionDenied(_("Only the person who posted the request, or staff keeping its client, may do this."))
    transition(request, to=RequestState.CANCELLED, actor=actor, reason=reason.strip())
    told: set[UUID] = set()
    for offer in Offer.objects.filter(request=request, status__in=(OfferStatus.PENDING, OfferStatus.ACCEPTED)):
        told |= offerer_ids(offer)
        if offer.status == OfferStatus.PENDING:
            offer.status = OfferStatus.DECLINED
            offer.decided_at = timezone.now()
            offer.save(update_fields=["status", "decided_at"])
    tell_after_commit(
        event=Event.AGREEMENT_CANCELLED,
        user_ids=told - {actor.pk},
        key=f"request:{request.pk}:cancelled",
        request=request,
        text=REQUEST_CANCELLED,
    )
    return request


@transaction.atomic
def do_complete_request(*, actor: User, request: HelpRequest) -> HelpRequest:
    request = _lock(request)
    _check_poster_side(actor, request)
    transition(request, to=RequestState.COMPLETED, actor=actor)
    return request


@transaction.atomic
def do_thank_helpers(*, actor: User, request: HelpRequest, text: str) -> HelpRequest:
    request = _lock(request)
    _check_poster_side(actor, request)
    if request.state != RequestState.COMPLETED:
        raise ValidationError(_("Helpers can be thanked once the request is completed."), code="not_completed")
    if request.thanked_at is not None:
        raise ValidationError(_("The helpers have already been thanked."), code="already_thanked")
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Write a few words of thanks.")})
    request.thanks = text
    request.thanked_at = timezone.now()
    request.save(update_fields=["thanks", "thanked_at"])
    record(action="request.thanked", actor=actor, target=request)
    helpers = accepted_helper_ids(request)
    tell_after_commit(
        event=Event.THANKS, user_ids=helpers, key=f"request:{request.pk}:thanks", request=request, text=THANKS
    )
    return request


# --- Conversations ------------------------------------------------------------------------------


def _check_message(body: str) -> str:
    body = body.strip()
    if not body:
        raise ValidationError({"body": _("Write a message.")})
    if len(body) > MAX_MESSAGE_LENGTH:
        raise ValidationError(
            {"body": _("A message can be at most %(count)d characters.") % {"count": MAX_MESSAGE_LENGTH}}
        )
    return body


def _post_message(*, actor: User, conversation: Conversation, body: str) -> ConversationMessage:
    now = timezone.now()
    message = ConversationMessage.objects.create(conversation=conversation, author=actor, body=body, created_at=now)
    Conversation.objects.filter(pk=conversation.pk).update(last_message_at=now)
    ConversationRead.objects.update_or_create(conversation=conversation, user=actor, defaults={"read_at": now})
    record(action="message.sent", actor=actor, target=message, data={"request": str(conversation.request_id)})
    others = participant_ids(conversation) - {actor.pk}
    request = conversation.request
    tell_after_commit(
        event=Event.NEW_MESSAGE, user_ids=others, key=f"message:{message.pk}", request=request, text=NEW_MESSAGE
    )
    return message


@transaction.atomic
def do_send_message(*, actor: User, conversation: Conversation, body: str) -> ConversationMessage:
    """A plain-text message to the other side of a conversation the person takes part in."""
    body = _check_message(body)
    check_not_suspended(actor)
    conversation = (
        Conversation.objects.select_related("request").select_for_update(of=("self",)).get(pk=conversation.pk)
    )
    if actor.pk not in participant_ids(conversation):
        raise PermissionDenied(_("Only the people on this request's agreement may write here."))
    if conversation.request.state in (RequestState.CANCELLED, RequestState.EXPIRED):
        raise ValidationError(_("This request is closed; the conversation is read-only."), code="closed")
    return _post_message(actor=actor, conversation=conversation, body=body)


@transaction.atomic
def do_ask_question(*, actor: User, request: HelpRequest, body: str) -> ConversationMessage:
    """Before agreement a helper may ask the poster's side privately; one thread per helper and request."""
    body = _check_message(body)
    check_not_suspended(actor)
    request = _lock(request)
    if request.state != RequestState.OPEN or request.hidden_at is not None:
        raise ValidationError(_("Questions can be asked only while the request is open."), code="not_open")
    if is_poster_side(actor, request):
        raise ValidationError(_("You cannot ask yourself a question."), code="own_request")
    reach = reach_of(actor)
    if request.channel_id not in reach.answer_channel_ids | reach.staff_answer_channel_ids:
        raise PermissionDenied(_("Only members who can help with this request may ask about it."))
    conversation, _created = Conversation.objects.get_or_create(
        request=request, kind=ConversationKind.QUESTION, helper=actor
    )
    return _post_message(actor=actor, conversation=conversation, body=body)


def do_mark_read(*, actor: User, conversation: Conversation) -> None:
    ConversationRead.objects.update_or_create(
        conversation=conversation, user=actor, defaults={"read_at": timezone.now()}
    )


def do_update_policy(*, actor: User, default_open_days: int, expiry_reminder_hours: int) -> RequestPolicy:
    check_tenant_admin(actor)
    if not 1 <= default_open_days <= MAX_OPEN_DAYS:
        raise ValidationError(
            {"default_open_days": _("A request stays open for 1 to %(days)d days.") % {"days": MAX_OPEN_DAYS}}
        )
    if not 1 <= expiry_reminder_hours <= 168:
        raise ValidationError({"expiry_reminder_hours": _("Remind between 1 and 168 hours before.")})
    current = policy()
    current.default_open_days = default_open_days
    current.expiry_reminder_hours = expiry_reminder_hours
    current.save(update_fields=["default_open_days", "expiry_reminder_hours"])
    record(action="request_policy.changed", actor=actor, target=current)
    return current
