"""What leaders see of their announcements: only their groups', and how many each has reached."""

import pytest

from core.announcements.models import Announcement
from core.announcements.selectors import announcements_managed_by, told_counts
from core.announcements.services import do_notify_members
from core.groups.models import Role
from core.notifications.events import Channel, Event
from core.notifications.models import NotificationPreference
from tenants.models import Tenant
from tests.factories import UserFactory, make_group, make_member

pytestmark = pytest.mark.django_db


def test_leaders_manage_their_groups_announcements_and_admins_all(in_melhus: Tenant) -> None:
    ours, theirs = make_group("Besøksvenner"), make_group("Sjakk")
    leader = make_member(ours, role=Role.LEADER).user
    make_member(theirs, leader)  # a plain member of the other group
    admin = UserFactory.create(is_tenant_admin=True)
    mine = Announcement.objects.create(group=ours, author=leader, title="Ours", body="x")
    other = Announcement.objects.create(group=theirs, author=admin, title="Theirs", body="y")

    assert list(announcements_managed_by(leader)) == [mine]
    assert set(announcements_managed_by(admin)) == {mine, other}


def test_told_counts_people_a_channel_reached_in_one_query(
    in_melhus: Tenant, django_assert_num_queries: object
) -> None:
    group = make_group("Besøksvenner")
    leader = make_member(group, role=Role.LEADER).user
    members = [make_member(group).user for _ in range(3)]
    NotificationPreference.objects.create(user=members[0], event=Event.ANNOUNCEMENT, channel=Channel.NONE)
    sent = Announcement.objects.create(group=group, author=leader, title="Møte", body="Tirsdag")
    waiting = Announcement.objects.create(group=group, author=leader, title="Neste", body="Senere")
    do_notify_members(announcement_id=sent.pk)

    with django_assert_num_queries(1):  # type: ignore[operator]
        counts = told_counts([sent.pk, waiting.pk])

    assert counts == {sent.pk: 2, waiting.pk: 0}
    assert told_counts([]) == {}
