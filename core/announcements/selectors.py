"""Announcements a person may read: of groups they are an approved member of, lead, or (admins) any."""

from django.db.models import QuerySet

from core.accounts.models import User
from core.groups.models import Group, Membership, MembershipStatus
from core.groups.permissions import is_tenant_admin

from .models import Announcement


def announcements_for(user: User, *, group: Group | None = None) -> QuerySet[Announcement]:
    announcements = Announcement.objects.select_related("group", "author").order_by("-created_at")
    if group is not None:
        announcements = announcements.filter(group=group)
    if is_tenant_admin(user):
        return announcements
    mine = Membership.objects.filter(user=user, status=MembershipStatus.APPROVED).values("group_id")
    return announcements.filter(group_id__in=mine)
