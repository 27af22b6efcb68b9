"""Who moderates which content, who sanctions whom, and whether a suspension stops a member; services call these."""

from dataclasses import dataclass
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.accounts.models import User
from core.groups.models import Channel, Membership, MembershipStatus, Role
from core.groups.permissions import is_tenant_admin
from core.requests.models import ConversationMessage, HelpRequest

from .models import Sanction, SanctionKind


def is_suspended(user: User) -> bool:
    """A suspension neither lifted nor run out."""
    now = timezone.now()
    return Sanction.objects.filter(
        Q(ends_at__isnull=True) | Q(ends_at__gt=now), user=user, kind=SanctionKind.SUSPENSION, lifted_at__isnull=True
    ).exists()


def check_not_suspended(user: User) -> None:
    if is_suspended(user):
        raise PermissionDenied(_("Your account is suspended: you cannot post requests or offer help for now."))


# --- Who moderates what ------------------------------------------------------------------------


@dataclass(frozen=True)
class ModerationScope:
    """What one person moderates, computed once (two queries at most) by moderation_scope."""

    is_admin: bool
    # Groups the person leads (approved leader of a group in use).
    led_group_ids: frozenset[UUID]
    # Channels one of those groups publishes into or answers.
    channel_ids: frozenset[UUID]

    @property
    def moderates_anything(self) -> bool:
        return self.is_admin or bool(self.led_group_ids)

    def covers(self, *, channel_id: UUID, poster_group_id: UUID) -> bool:
        return self.is_admin or channel_id in self.channel_ids or poster_group_id in self.led_group_ids

    def request_condition(self, prefix: str = "") -> Q:
        """The requests this scope covers, as a filter on HelpRequest reached through `prefix` (e.g. "request__")."""
        if self.is_admin:
            return Q()
        return Q(**{f"{prefix}channel_id__in": self.channel_ids}) | Q(
            **{f"{prefix}poster_group_id__in": self.led_group_ids}
        )


def led_group_ids(user: User) -> frozenset[UUID]:
    return frozenset(
        Membership.objects.filter(
            user=user, role=Role.LEADER, status=MembershipStatus.APPROVED, group__archived_at__isnull=True
        ).values_list("group_id", flat=True)
    )


def moderation_scope(user: User) -> ModerationScope:
    """An admin moderates everything; a leader the channels their groups publish into or answer, and
    the requests posted through their groups."""
    if is_tenant_admin(user):
        return ModerationScope(is_admin=True, led_group_ids=frozenset(), channel_ids=frozenset())
    led = led_group_ids(user)
    channels: frozenset[UUID] = frozenset()
    if led:
        publishing = Channel.publishing_groups.through.objects.filter(group_id__in=led).values_list("channel_id")
        answering = Channel.answering_groups.through.objects.filter(group_id__in=led).values_list("channel_id")
        channels = frozenset(channel_id for (channel_id,) in publishing.union(answering))
    return ModerationScope(is_admin=False, led_group_ids=led, channel_ids=channels)


def moderated_channel_ids(user: User) -> frozenset[UUID]:
    """The channels whose every request the (non-admin) person moderates; admins moderate all."""
    return moderation_scope(user).channel_ids


def can_moderate_request(user: User, request: HelpRequest) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return moderation_scope(user).covers(channel_id=request.channel_id, poster_group_id=request.poster_group_id)


def can_moderate_message(user: User, message: ConversationMessage) -> bool:
    """The moderators of the request the message's conversation is about."""
    return can_moderate_request(user, message.conversation.request)


def check_can_moderate_request(user: User, request: HelpRequest) -> None:
    if not can_moderate_request(user, request):
        raise PermissionDenied(_("Only the channel's leaders and the tenant's admins may moderate this."))


def check_can_moderate_message(user: User, message: ConversationMessage) -> None:
    if not can_moderate_message(user, message):
        raise PermissionDenied(_("Only the channel's leaders and the tenant's admins may moderate this."))


# --- Who sanctions whom ------------------------------------------------------------------------


def sanctionable_user_ids(actor: User) -> frozenset[UUID] | None:
    """The people a leader may sanction (approved members of groups they lead); None for an admin (anyone)."""
    if is_tenant_admin(actor):
        return None
    led = led_group_ids(actor)
    if not led:
        return frozenset()
    return frozenset(
        Membership.objects.filter(group_id__in=led, status=MembershipStatus.APPROVED).values_list("user_id", flat=True)
    )


def can_sanction(actor: User, user: User) -> bool:
    """Admins sanction anyone, leaders the approved members of the groups they lead; nobody themselves,
    and only an admin sanctions an admin."""
    if not actor.is_authenticated or not actor.is_active or actor.pk == user.pk:
        return False
    if is_tenant_admin(actor):
        return True
    if user.is_tenant_admin:
        return False
    allowed = sanctionable_user_ids(actor)
    return allowed is not None and user.pk in allowed


def check_can_sanction(actor: User, user: User) -> None:
    if actor.pk == user.pk:
        raise PermissionDenied(_("You cannot sanction yourself."))
    if not can_sanction(actor, user):
        raise PermissionDenied(_("Only the tenant's admins and the leaders of this member's groups may do this."))
