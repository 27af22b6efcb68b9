"""Reads of requests: who reaches which channels, the feed, one visible request, contact details.

A person's *reach* is computed once per call in a fixed number of queries (memberships, the
qualification check of their answering groups, the channels of those groups), so the feed and
every visibility check cost the same with 10 or 100,000 requests in the tenant.
"""

from dataclasses import dataclass
from datetime import timedelta
from uuid import UUID

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.accounts.models import User
from core.audit.services import record
from core.clients.permissions import KEEPER_ROLES
from core.groups.models import Channel, Membership, MembershipStatus, Role
from core.groups.permissions import is_tenant_admin
from core.qualification.selectors import qualified_group_ids_for

from .models import (
    Conversation,
    ConversationKind,
    ConversationMessage,
    ConversationRead,
    HelpRequest,
    Offer,
    OfferStatus,
    RequestState,
)
from .permissions import accepted_helper_ids, is_moderator_of, is_poster_side, poster_side_user_ids

# How long accepted helpers keep the contact details after a request is completed or cancelled.
CONTACT_GRACE = timedelta(hours=24)


@dataclass(frozen=True)
class Reach:
    """What one person reaches: computed by reach_of, used by every visibility rule below."""

    user_id: UUID
    is_admin: bool
    # Groups whose clients the person keeps (approved staff or leader).
    keeper_group_ids: frozenset[UUID]
    # Channels whose requests the person may see and offer on themselves (approved and qualified).
    answer_channel_ids: frozenset[UUID]
    # Channels where the person is staff of an answering group: they may offer for a resident.
    staff_answer_channel_ids: frozenset[UUID]
    # Channels a group the person leads publishes into or answers: they see and moderate everything there.
    led_channel_ids: frozenset[UUID]


def reach_of(user: User) -> Reach:
    """Five queries at most, however many groups, channels and requests the tenant has."""
    memberships = list(
        Membership.objects.filter(
            user=user, status=MembershipStatus.APPROVED, group__archived_at__isnull=True
        ).values_list("group_id", "role")
    )
    group_ids = {group_id for group_id, _ in memberships}
    led = {group_id for group_id, role in memberships if role == Role.LEADER}
    keepers = {group_id for group_id, role in memberships if role in KEEPER_ROLES}
    qualified = qualified_group_ids_for(user=user, group_ids=group_ids) if group_ids else set()
    answer: set[UUID] = set()
    staff_answer: set[UUID] = set()
    led_channels: set[UUID] = set()
    if group_ids:
        answers = Channel.answering_groups.through.objects.filter(
            group_id__in=group_ids, channel__archived_at__isnull=True
        ).values_list("channel_id", "group_id")
        for channel_id, group_id in answers:
            if group_id in qualified:
                answer.add(channel_id)
            if group_id in keepers:
                staff_answer.add(channel_id)
            if group_id in led:
                led_channels.add(channel_id)
        if led:
            led_channels |= set(
                Channel.publishing_groups.through.objects.filter(group_id__in=led).values_list("channel_id", flat=True)
            )
    return Reach(
        user_id=user.pk,
        is_admin=is_tenant_admin(user),
        keeper_group_ids=frozenset(keepers),
        answer_channel_ids=frozenset(answer),
        staff_answer_channel_ids=frozenset(staff_answer),
        led_channel_ids=frozenset(led_channels),
    )


def _visible_condition(reach: Reach) -> Q:
    own_side = Q(posted_by_id=reach.user_id) | Q(client__isnull=False, poster_group_id__in=reach.keeper_group_ids)
    answering = Q(channel_id__in=reach.answer_channel_ids | reach.staff_answer_channel_ids, hidden_at__isnull=True)
    offered = Q(
        Exists(
            Offer.objects.filter(request_id=OuterRef("pk")).filter(
                Q(helper_id=reach.user_id) | Q(offered_by_id=reach.user_id)
            )
        ),
        hidden_at__isnull=True,
    )
    return own_side | Q(channel_id__in=reach.led_channel_ids) | answering | offered


def requests_visible_to(user: User, *, reach: Reach | None = None) -> QuerySet[HelpRequest]:
    """Every request the person may see, in any state, newest first.

    The poster (and fellow keepers of the client), leaders of the channel's groups, admins, the
    approved and currently qualified members and the staff of the channel's answering groups,
    and anyone who has offered. Hidden requests only to the poster's side, leaders and admins.
    """
    reach = reach or reach_of(user)
    requests = HelpRequest.objects.select_related("channel", "category", "poster_group")
    if reach.is_admin:
        return requests
    return requests.filter(_visible_condition(reach))


def get_visible_request(*, user: User, request_id: UUID) -> HelpRequest:
    """The request, or HelpRequest.DoesNotExist (a 404 that reveals nothing) if the person may not see it."""
    return requests_visible_to(user).get(pk=request_id)


def feed_for(
    *, member: User, category_id: UUID | None = None, area: str = "", reach: Reach | None = None
) -> QuerySet[HelpRequest]:
    """Open requests the member can help with, newest first: the channels they answer, not their own."""
    reach = reach or reach_of(member)
    channels = reach.answer_channel_ids | reach.staff_answer_channel_ids
    feed = (
        HelpRequest.objects.filter(channel_id__in=channels, state=RequestState.OPEN, hidden_at__isnull=True)
        .exclude(posted_by_id=member.pk)
        .select_related("channel", "category")
        .order_by("-created_at", "-id")
    )
    if category_id is not None:
        feed = feed.filter(category_id=category_id)
    if area:
        feed = feed.filter(area__icontains=area.strip())
    return feed


def requests_posted_by(*, user: User) -> QuerySet[HelpRequest]:
    """My requests: posted by me, or for a client I keep; newest first, with offer counts."""
    reach = reach_of(user)
    own = Q(posted_by_id=user.pk) | Q(client__isnull=False, poster_group_id__in=reach.keeper_group_ids)
    return (
        HelpRequest.objects.filter(own)
        .select_related("channel", "category", "client")
        .annotate(pending_offers=Count("offers", filter=Q(offers__status=OfferStatus.PENDING)))
        .order_by("-created_at", "-id")
    )


def offers_on(*, user: User, request: HelpRequest) -> QuerySet[Offer]:
    """All offers, for the poster's side and moderators; only their own offers for anyone else."""
    offers = Offer.objects.filter(request=request).select_related("helper", "offered_by", "via_group")
    if is_poster_side(user, request) or is_moderator_of(user, request):
        return offers
    return offers.filter(Q(helper=user) | Q(offered_by=user))


def offers_made_by(*, user: User) -> QuerySet[Offer]:
    """My offers (as the helper or for a resident), newest first, with their requests."""
    return (
        Offer.objects.filter(Q(helper=user) | Q(offered_by=user))
        .select_related("request", "request__channel", "helper")
        .order_by("-created_at", "-id")
    )


def get_visible_offer(*, user: User, offer_id: UUID) -> Offer:
    offer = Offer.objects.select_related("request").get(pk=offer_id)
    if not offers_on(user=user, request=offer.request).filter(pk=offer.pk).exists():
        raise Offer.DoesNotExist
    return offer


# --- Contact details: accepted helpers only, audited -------------------------------------------


@dataclass(frozen=True)
class Contact:
    """Who to contact and where to go: the client's details, or the poster's."""

    name: str
    phone: str
    address: str


def may_see_contact(*, user: User, request: HelpRequest) -> bool:
    """Accepted helpers, until 24 hours after the request was completed or cancelled, or at once when
    their acceptance is cancelled (the offer is then no longer accepted)."""
    accepted = Offer.objects.filter(request=request, status=OfferStatus.ACCEPTED).filter(
        Q(helper=user) | Q(offered_by=user)
    )
    if not accepted.exists():
        return False
    if request.closed_at is None:
        return True
    return timezone.now() < request.closed_at + CONTACT_GRACE


def get_request_contact(*, viewer: User, request_id: UUID) -> Contact:
    """The contact details and address, for an accepted helper; every read is audited as `request.contact_viewed`.

    Anyone else gets DoesNotExist (404), so no endpoint shows them without both the right and a trace.
    """
    request = HelpRequest.objects.select_related("client", "posted_by").get(pk=request_id)
    if not may_see_contact(user=viewer, request=request):
        raise HelpRequest.DoesNotExist
    record(action="request.contact_viewed", actor=viewer, target=request, data={"channel": str(request.channel_id)})
    if request.client is not None:
        return Contact(
            name=request.client.name,
            phone=request.client.phone,
            address=request.address or request.client.address,
        )
    return Contact(name=request.posted_by.name, phone=request.posted_by.phone, address=request.address)


# --- Conversations -----------------------------------------------------------------------------


def participant_ids(conversation: Conversation) -> set[UUID]:
    """The poster's side and the accepted helpers (agreement), or the asking helper (question)."""
    ids = poster_side_user_ids(conversation.request)
    if conversation.kind == ConversationKind.QUESTION:
        if conversation.helper_id is not None:
            ids.add(conversation.helper_id)
        return ids
    return ids | accepted_helper_ids(conversation.request)


def conversations_visible_to(user: User) -> QuerySet[Conversation]:
    """Conversations the person takes part in, with the number of messages they have not read."""
    reach = reach_of(user)
    own_side = Q(request__posted_by_id=user.pk) | Q(
        request__client__isnull=False, request__poster_group_id__in=reach.keeper_group_ids
    )
    accepted = Exists(
        Offer.objects.filter(request_id=OuterRef("request_id"), status=OfferStatus.ACCEPTED).filter(
            Q(helper_id=user.pk) | Q(offered_by_id=user.pk)
        )
    )
    mine = (
        own_side | Q(kind=ConversationKind.QUESTION, helper_id=user.pk) | Q(accepted, kind=ConversationKind.AGREEMENT)
    )
    # Nested inside the messages subquery: OuterRef is the message, whose conversation is read.
    read_at = ConversationRead.objects.filter(conversation_id=OuterRef("conversation_id"), user_id=user.pk).values(
        "read_at"
    )[:1]
    unread = (
        ConversationMessage.objects.filter(conversation_id=OuterRef("pk"))
        .exclude(author_id=user.pk)
        .filter(Q(created_at__gt=read_at) | ~Exists(read_at))
        .order_by()
        .values("conversation_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    return (
        Conversation.objects.filter(mine)
        .select_related("request")
        .annotate(unread=Coalesce(Subquery(unread, output_field=IntegerField()), 0))
        .order_by("-last_message_at", "-created_at")
    )


def get_visible_conversation(*, user: User, conversation_id: UUID) -> Conversation:
    conversation = Conversation.objects.select_related("request").get(pk=conversation_id)
    if user.pk not in participant_ids(conversation) and not is_moderator_of(user, conversation.request):
        raise Conversation.DoesNotExist
    return conversation


def messages_of(*, conversation: Conversation) -> QuerySet[ConversationMessage]:
    return (
        ConversationMessage.objects.filter(conversation=conversation)
        .select_related("author")
        .order_by("created_at", "id")
    )


def get_visible_message(*, user: User, message_id: UUID) -> ConversationMessage:
    """A message of a conversation the person takes part in or moderates; DoesNotExist for anyone else."""
    message = ConversationMessage.objects.select_related("conversation", "conversation__request").get(pk=message_id)
    conversation = message.conversation
    if user.pk not in participant_ids(conversation) and not is_moderator_of(user, conversation.request):
        raise ConversationMessage.DoesNotExist
    return message


# --- Helpers of the web pages ------------------------------------------------------------------


def with_my_offer(requests: QuerySet[HelpRequest], *, user: User) -> QuerySet[HelpRequest]:
    """Annotate `my_offer_status`: the status of the person's live offer (as helper or offerer), or None.

    One subquery per row inside the same SELECT, so a feed that shows "you offered" costs no extra query.
    """
    mine = (
        Offer.objects.filter(request_id=OuterRef("pk"), status__in=(OfferStatus.PENDING, OfferStatus.ACCEPTED))
        .filter(Q(helper_id=user.pk) | Q(offered_by_id=user.pk))
        .order_by("status")  # "accepted" sorts before "pending": show the accepted one first
        .values("status")[:1]
    )
    return requests.annotate(my_offer_status=Subquery(mine))


def channels_to_post_in(user: User) -> QuerySet[Channel]:
    """Channels the person may post into: those with a publishing group they are approved in; for admins, every
    open channel that has a publishing group (the service lets admins post through any of them)."""
    from core.groups.selectors import channels_user_can_post_in

    if is_tenant_admin(user):
        published = Channel.publishing_groups.through.objects.filter(group__archived_at__isnull=True)
        return Channel.objects.filter(archived_at__isnull=True, pk__in=published.values("channel_id")).order_by(
            "name", "id"
        )
    return channels_user_can_post_in(user)


# Staff choose a resident from a list; beyond this many they are asked to narrow it down by group.
MAX_RESIDENTS = 200


def residents_for_offer(*, user: User, request: HelpRequest) -> list[User]:
    """People the staff member may offer for: currently qualified members of the channel's answering groups in
    which the person is staff, other than themselves and the request's own side; by name, at most MAX_RESIDENTS.
    """
    from core.qualification.selectors import currently_qualified_user_ids

    staff_groups = list(
        request.channel.answering_groups.filter(
            archived_at__isnull=True,
            memberships__user=user,
            memberships__status=MembershipStatus.APPROVED,
            memberships__role=Role.STAFF,
        )
    )
    ids: set[UUID] = set()
    for group in staff_groups:
        ids |= currently_qualified_user_ids(group=group)
    ids -= {user.pk} | poster_side_user_ids(request)
    if not ids:
        return []
    return list(User.objects.filter(pk__in=ids, is_active=True).order_by("name", "id")[:MAX_RESIDENTS])
