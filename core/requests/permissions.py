"""Who is on which side of a request: the poster's side, its moderators, its accepted helpers.

Services call these; the reach of a person over channels (what they may see and answer) is
computed once per call in selectors.reach_of.
"""

from uuid import UUID

from django.db.models import Q

from core.accounts.models import User
from core.clients.permissions import KEEPER_ROLES
from core.groups.models import Channel, Membership, MembershipStatus, Role
from core.groups.permissions import is_tenant_admin

from .models import HelpRequest, Offer, OfferStatus


def is_poster_side(user: User, request: HelpRequest) -> bool:
    """The poster, and for a client's request the staff and leaders who keep that client."""
    if request.posted_by_id == user.pk:
        return True
    if request.client_id is None:
        return False
    return Membership.objects.filter(
        user=user, group_id=request.poster_group_id, status=MembershipStatus.APPROVED, role__in=KEEPER_ROLES
    ).exists()


def poster_side_user_ids(request: HelpRequest) -> set[UUID]:
    """Everyone on the poster's side, for telling them of offers and messages."""
    ids = {request.posted_by_id}
    if request.client_id is not None:
        ids |= set(
            Membership.objects.filter(
                group_id=request.poster_group_id, status=MembershipStatus.APPROVED, role__in=KEEPER_ROLES
            ).values_list("user_id", flat=True)
        )
    return ids


def leads_channel(user: User, channel_id: UUID) -> bool:
    """A leader of a group that publishes into or answers the channel."""
    groups = (
        Channel.objects.filter(pk=channel_id)
        .values("publishing_groups")
        .union(Channel.objects.filter(pk=channel_id).values("answering_groups"))
    )
    return Membership.objects.filter(
        user=user, status=MembershipStatus.APPROVED, role=Role.LEADER, group_id__in=groups
    ).exists()


def is_moderator_of(user: User, request: HelpRequest) -> bool:
    return is_tenant_admin(user) or leads_channel(user, request.channel_id)


def offerer_ids(offer: Offer) -> set[UUID]:
    """The helper and whoever made the offer for them (the same person unless staff offered)."""
    return {offer.helper_id, offer.offered_by_id}


def accepted_helper_ids(request: HelpRequest) -> set[UUID]:
    """Everyone on the helpers' side of an agreement: accepted helpers and the staff who offered for them."""
    ids: set[UUID] = set()
    accepted = Offer.objects.filter(request=request, status=OfferStatus.ACCEPTED)
    for helper_id, offered_by_id in accepted.values_list("helper_id", "offered_by_id"):
        ids |= {helper_id, offered_by_id}
    return ids


def accepted_offer_of(user: User, request: HelpRequest) -> Offer | None:
    """The user's accepted offer on the request, as the helper or as the staff member who offered for them."""
    return (
        Offer.objects.filter(request=request, status=OfferStatus.ACCEPTED)
        .filter(Q(helper=user) | Q(offered_by=user))
        .first()
    )
