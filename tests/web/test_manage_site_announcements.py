"""Announcement pages: leaders write to a group's members, see how many were told; members read theirs."""

from datetime import timedelta
from typing import Any

import pytest

from core.announcements.models import Announcement
from core.announcements.services import do_notify_members
from core.audit.models import AuditEvent
from core.messaging.models import OutboxMessage
from core.notifications.models import Notification
from tenants.models import Tenant
from tests.conftest import in_schema
from tests.core.moderation.conftest import Scene
from tests.factories import make_member
from tests.web.conftest import web_client
from tests.web.test_manage_site import one_h1, scene, text

pytestmark = pytest.mark.django_db
__all__ = ["scene"]


def test_an_announcement_sent_reaches_the_groups_members(
    melhus: Tenant, scene: Scene, django_capture_on_commit_callbacks: Any
) -> None:
    client = web_client(melhus, scene.channel_leader)

    # When the volunteers' leader announces to their group
    posted = client.post(
        "/manage/announcements/",
        {"group": str(scene.volunteers.pk), "title": "Julebord", "body": "Velkommen 12. desember!"},
    )
    assert posted.status_code == 302

    # Then the announcement is stored and audited
    with in_schema(melhus.schema_name):
        announcement = Announcement.objects.get()
        assert announcement.author_id == scene.channel_leader.pk
        assert AuditEvent.objects.filter(action="announcement.posted", target_id=str(announcement.pk)).exists()
        # and the background fan-out tells both volunteers (not the leader who wrote it), by SMS as they have no e-mail
        assert do_notify_members(announcement_id=announcement.pk) == 2
        told = set(Notification.objects.filter(key=f"announcement:{announcement.pk}").values_list("user_id", flat=True))
        assert told == {scene.volunteer.pk, scene.other_volunteer.pk}
        assert set(OutboxMessage.objects.values_list("recipient_id", flat=True)) == told

    # and the leader's page says how many were told
    page = text(client.get("/manage/announcements/"))
    assert "Julebord" in page
    assert '<td class="num">2</td>' in page

    # and a volunteer reads it on their announcements page
    mine = text(web_client(melhus, scene.volunteer).get("/announcements/"))
    assert "Julebord" in mine
    assert "Velkommen 12. desember!" in mine


def test_members_read_the_announcements_of_their_groups_newest_first(
    melhus: Tenant, scene: Scene, django_assert_max_num_queries: Any
) -> None:
    with in_schema(melhus.schema_name):
        make_member(scene.chess, scene.volunteer)
        old = Announcement.objects.create(group=scene.volunteers, author=scene.channel_leader, title="Old", body="1")
        Announcement.objects.filter(pk=old.pk).update(created_at=old.created_at - timedelta(days=3))
        Announcement.objects.create(group=scene.chess, author=scene.chess_leader, title="Chess news", body="2")
        Announcement.objects.create(group=scene.home_care, author=scene.poster_leader, title="Not mine", body="3")
    client = web_client(melhus, scene.volunteer)

    with django_assert_max_num_queries(9):
        response = client.get("/announcements/")
    page = text(response)

    assert response.status_code == 200
    one_h1(page)
    assert page.index("Chess news") < page.index("Old")
    assert "Not mine" not in page


def test_the_leaders_list_shows_only_their_groups_in_a_few_queries(
    melhus: Tenant, scene: Scene, django_assert_max_num_queries: Any
) -> None:
    with in_schema(melhus.schema_name):
        for n in range(5):
            Announcement.objects.create(
                group=scene.volunteers, author=scene.channel_leader, title=f"Ours {n}", body="x"
            )
        Announcement.objects.create(group=scene.chess, author=scene.chess_leader, title="Theirs", body="y")
    client = web_client(melhus, scene.channel_leader)

    # Routing, session, person, roles, the page and its count, the told counts, the group choice, branding
    with django_assert_max_num_queries(13):
        page = text(client.get("/manage/announcements/"))

    assert "Ours 4" in page
    assert "Theirs" not in page


def test_an_announcement_without_a_title_or_to_a_group_not_led_is_refused(melhus: Tenant, scene: Scene) -> None:
    client = web_client(melhus, scene.channel_leader)

    untitled = client.post("/manage/announcements/", {"group": str(scene.volunteers.pk), "title": "", "body": "x"})
    assert untitled.status_code == 400
    assert "error-summary" in text(untitled)

    blank = client.post("/manage/announcements/", {"group": str(scene.volunteers.pk), "title": "  ", "body": "  "})
    assert blank.status_code == 400

    elsewhere = client.post("/manage/announcements/", {"group": str(scene.chess.pk), "title": "Hei", "body": "x"})
    assert elsewhere.status_code == 400
    with in_schema(melhus.schema_name):
        assert not Announcement.objects.exists()


def test_a_member_may_not_announce(melhus: Tenant, scene: Scene) -> None:
    response = web_client(melhus, scene.volunteer).post(
        "/manage/announcements/", {"group": str(scene.volunteers.pk), "title": "Hei", "body": "x"}
    )
    assert response.status_code == 403
    with in_schema(melhus.schema_name):
        assert not Announcement.objects.exists()
