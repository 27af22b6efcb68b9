"""Leaders (and admins) announce to every approved member of a group; members are told in the background."""

from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.accounts.models import User
from core.audit.services import record
from core.groups.models import Group, Membership, MembershipStatus
from core.groups.permissions import can_manage_group
from core.notifications.events import Event
from core.notifications.services import Message, notify_many

from .models import Announcement


@transaction.atomic
def do_post_announcement(*, actor: User, group: Group, title: str, body: str) -> Announcement:
    if not can_manage_group(actor, group):
        raise PermissionDenied(_("Only the group's leaders and the tenant's admins may post announcements."))
    title, body = title.strip(), body.strip()
    errors = {}
    if not title:
        errors["title"] = _("Give the announcement a title.")
    if not body:
        errors["body"] = _("Write the announcement.")
    if errors:
        raise ValidationError(errors)
    announcement = Announcement.objects.create(group=group, author=actor, title=title[:120], body=body)
    record(action="announcement.posted", actor=actor, target=announcement, data={"group": str(group.pk)})
    from .tasks import dispatch_notify

    transaction.on_commit(lambda: dispatch_notify(announcement.pk), robust=True)
    return announcement


def do_notify_members(*, announcement_id: UUID) -> int:
    """Tell the group's approved members (not the author); the key makes a re-run tell nobody twice."""
    announcement = Announcement.objects.select_related("group").get(pk=announcement_id)
    members = Membership.objects.filter(group=announcement.group, status=MembershipStatus.APPROVED).exclude(
        user_id=announcement.author_id
    )

    def render() -> Message:
        return Message(subject=f"{announcement.group.name}: {announcement.title}", body=announcement.body)

    return notify_many(
        event=Event.ANNOUNCEMENT,
        user_ids=members.values_list("user_id", flat=True),
        key=f"announcement:{announcement.pk}",
        render=render,
    )
