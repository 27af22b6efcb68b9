"""Announcements: those a person may read (their groups', or all for admins), those they manage, whom each reached."""

from collections.abc import Iterable
from datetime import timedelta
from uuid import UUID

from django.db.models import Count, QuerySet
from django.utils import timezone

from core.accounts.models import User
from core.groups.models import Group, Membership, MembershipStatus, Role
from core.groups.permissions import is_tenant_admin
from core.notifications.events import Channel, Event
from core.notifications.models import Notification

from .models import Announcement


def announcements_for(user: User, *, group: Group | None = None) -> QuerySet[Announcement]:
    announcements = Announcement.objects.select_related("group", "author").order_by("-created_at")
    if group is not None:
        announcements = announcements.filter(group=group)
    if is_tenant_admin(user):
        return announcements
    mine = Membership.objects.filter(user=user, status=MembershipStatus.APPROVED).values("group_id")
    return announcements.filter(group_id__in=mine)


# How long an announcement is news, shown on the feed members open every day.
NEWS_FOR = timedelta(days=14)


def latest_news_for(user: User) -> Announcement | None:
    """The newest announcement to the person's groups while it is news (NEWS_FOR), else None."""
    return announcements_for(user).filter(created_at__gte=timezone.now() - NEWS_FOR).first()


def announcements_managed_by(user: User) -> QuerySet[Announcement]:
    """What the person may have announced: every announcement for admins, their groups' for leaders; newest first."""
    announcements = Announcement.objects.select_related("group", "author").order_by("-created_at", "-id")
    if is_tenant_admin(user):
        return announcements
    led = Membership.objects.filter(user=user, status=MembershipStatus.APPROVED, role=Role.LEADER).values("group_id")
    return announcements.filter(group_id__in=led)


def told_counts(announcement_ids: Iterable[UUID]) -> dict[UUID, int]:
    """How many people each announcement has reached so far (a notice by a channel that reaches them), in one query.

    Counted from the notifications themselves, so the figure grows as the background fan-out runs.
    """
    keys = {f"announcement:{pk}": pk for pk in announcement_ids}
    if not keys:
        return {}
    rows = (
        Notification.objects.filter(event=Event.ANNOUNCEMENT, key__in=keys)
        .exclude(channel=Channel.NONE)
        .values("key")
        .annotate(told=Count("id"))
        .values_list("key", "told")
    )
    counts = dict.fromkeys(keys.values(), 0)
    counts.update({keys[key]: told for key, told in rows})
    return counts
