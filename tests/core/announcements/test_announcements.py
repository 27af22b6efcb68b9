"""Leaders announce to their group's members; nobody else posts, and other tenants see nothing."""

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from core.announcements.models import Announcement
from core.announcements.selectors import NEWS_FOR, latest_news_for
from core.announcements.services import do_notify_members
from core.announcements.tasks import notify
from core.groups.models import MembershipStatus, Role
from core.messaging.models import OutboxMessage
from core.notifications.models import Notification
from tenants.models import Tenant
from tests.conftest import Api, in_schema
from tests.factories import UserFactory, make_group, make_member

pytestmark = pytest.mark.django_db


def test_a_leader_announces_and_every_approved_member_is_told_once(
    in_melhus: Tenant, django_capture_on_commit_callbacks: Any
) -> None:
    group = make_group("Besøksvenner")
    leader = make_member(group, UserFactory.create(language="en"), role=Role.LEADER).user
    members = [make_member(group).user for _ in range(3)]
    applicant = make_member(group, status=MembershipStatus.APPLIED).user
    api = Api(in_melhus, leader)
    posted = api.post(f"groups/{group.pk}/announcements/", {"title": "Julebord", "body": "Velkommen 12. desember!"})
    assert posted.status_code == 201, posted.json()
    announcement = Announcement.objects.get()
    assert do_notify_members(announcement_id=announcement.pk) == 3
    assert do_notify_members(announcement_id=announcement.pk) == 0
    told = set(Notification.objects.filter(key=f"announcement:{announcement.pk}").values_list("user_id", flat=True))
    assert told == {m.pk for m in members}
    assert applicant.pk not in told
    listed = Api(in_melhus, members[0]).get("announcements/").json()["results"]
    assert [a["title"] for a in listed] == ["Julebord"]
    assert Api(in_melhus, applicant).get("announcements/").json()["results"] == []


def test_members_and_leaders_of_other_groups_cannot_announce(in_melhus: Tenant) -> None:
    group = make_group("Besøksvenner")
    member = make_member(group, UserFactory.create(language="en")).user
    other_leader = make_member(make_group("Sjakk"), UserFactory.create(language="en"), role=Role.LEADER).user
    admin = UserFactory.create(is_tenant_admin=True, language="en")
    body = {"title": "Hei", "body": "Hallo"}
    assert Api(in_melhus, member).post(f"groups/{group.pk}/announcements/", body).status_code == 403
    assert Api(in_melhus, other_leader).post(f"groups/{group.pk}/announcements/", body).status_code == 403
    as_admin = Api(in_melhus, admin)
    bad = as_admin.post(f"groups/{group.pk}/announcements/", {"title": "", "body": "x"})
    assert bad.status_code == 400
    assert "title" in bad.json()
    assert not Announcement.objects.exists()
    assert as_admin.post(f"groups/{group.pk}/announcements/", body).status_code == 201


def test_another_tenant_cannot_read_or_post_announcements(melhus: Tenant, red_cross: Tenant) -> None:
    with in_schema(red_cross.schema_name):
        group = make_group("Røde Kors-vakt")
        leader = make_member(group, role=Role.LEADER).user
        Announcement.objects.create(group=group, author=leader, title="Intern", body="Hemmelig")
    with in_schema(melhus.schema_name):
        admin = Api(melhus, UserFactory.create(is_tenant_admin=True, language="en"))
    assert admin.get(f"groups/{group.pk}/announcements/").status_code == 404
    assert admin.post(f"groups/{group.pk}/announcements/", {"title": "x", "body": "y"}).status_code == 404
    assert admin.get("announcements/").json()["results"] == []
    with in_schema(red_cross.schema_name):
        assert Announcement.objects.count() == 1


def test_the_task_tells_each_member_once_however_often_it_runs(in_melhus: Tenant) -> None:
    group = make_group("Besøksvenner")
    leader = make_member(group, role=Role.LEADER).user
    member = make_member(group, UserFactory.create(email="m@example.org")).user
    announcement = Announcement.objects.create(group=group, author=leader, title="Møte", body="Tirsdag kl. 18")
    assert notify(str(announcement.pk)) == 1
    assert notify(str(announcement.pk)) == 0
    # Announcements go to the daily digest by default, so nothing is in the outbox yet.
    assert not OutboxMessage.objects.exists()
    assert Notification.objects.get().user_id == member.pk
    gone = announcement.pk
    announcement.delete()
    assert notify(str(gone)) == 0


def test_listing_announcements_costs_the_same_for_many(in_melhus: Tenant, django_assert_max_num_queries: Any) -> None:
    groups = [make_group(f"Gruppe {n}") for n in range(3)]
    reader = UserFactory.create(language="en")
    for group in groups:
        leader = make_member(group, role=Role.LEADER).user
        make_member(group, reader)
        for n in range(5):
            Announcement.objects.create(group=group, author=leader, title=f"{group.name} {n}", body="…")
    api = Api(in_melhus, reader)
    with django_assert_max_num_queries(8):
        mine = api.get("announcements/")
    with django_assert_max_num_queries(8):
        of_group = api.get(f"groups/{groups[0].pk}/announcements/")
    assert len(mine.json()["results"]) == 15
    assert len(of_group.json()["results"]) == 5


def test_the_latest_news_is_the_newest_announcement_of_my_groups_for_two_weeks(in_melhus: Tenant) -> None:
    mine, other = make_group("Besøksvenner"), make_group("Leksehjelp")
    leader = make_member(mine, role=Role.LEADER).user
    member = make_member(mine).user
    outsider = make_member(other).user
    older = Announcement.objects.create(group=mine, author=leader, title="Sommerfest", body="I juni.")
    assert latest_news_for(member) == older
    newest = Announcement.objects.create(group=mine, author=leader, title="Julemøte", body="Kake.")
    assert latest_news_for(member) == newest
    assert latest_news_for(outsider) is None
    # Two weeks on, it is no longer news.
    Announcement.objects.update(created_at=timezone.now() - NEWS_FOR - timedelta(minutes=1))
    assert latest_news_for(member) is None
