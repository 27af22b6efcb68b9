"""The audit log page: admins read it newest first, in words, filtered by what, when and who."""

from datetime import datetime
from typing import Any

import pytest
from django.utils import timezone

from core.accounts.models import User
from core.audit.models import AuditEvent
from tenants.models import Tenant
from tests.conftest import in_schema
from tests.core.moderation.conftest import Scene
from tests.web.conftest import web_client
from tests.web.test_manage_site import no_inline_style_or_script, one_h1, scene, text

pytestmark = pytest.mark.django_db
__all__ = ["scene"]


def _event(day: str, action: str, actor: User | None, **refs: Any) -> AuditEvent:
    at = timezone.make_aware(datetime.fromisoformat(f"{day}T12:00"))
    return AuditEvent.objects.create(at=at, action=action, actor=actor, **refs)


@pytest.fixture
def log(melhus: Tenant, scene: Scene) -> None:
    """Four events on four days in March: one done for a group, one by Dugnad itself, one unknown action."""
    with in_schema(melhus.schema_name):
        _event("2026-03-01", "group.created", scene.admin, target_type="group", target_id=str(scene.volunteers.pk))
        _event("2026-03-05", "request.hidden", scene.channel_leader, target_type="helprequest", target_id="x")
        _event(
            "2026-03-09",
            "request.posted",
            scene.poster,
            target_type="helprequest",
            target_id=str(scene.request.pk),
            on_behalf_of_type="client",
            on_behalf_of_id="7d0c3a56-2b8f-4b7e-9a59-3f1f6a9c2e11",
        )
        _event("2026-03-12", "request.expired", None, target_type="helprequest", target_id=str(scene.request.pk))


def test_an_admin_reads_the_log_newest_first_in_words(
    melhus: Tenant, scene: Scene, log: None, django_assert_max_num_queries: Any
) -> None:
    client = web_client(melhus, scene.admin)

    with django_assert_max_num_queries(9):
        response = client.get("/manage/audit/")
    page = text(response)

    assert response.status_code == 200
    one_h1(page)
    no_inline_style_or_script(page)
    rows = page.split("<tbody>")[1]
    # Newest first, each action in words, who did it (Dugnad itself for the sweep), what to, for whom
    assert rows.index("let a request expire") < rows.index("posted a request") < rows.index("created a group")
    assert "Dugnad itself" in rows
    assert "Per Poster" in rows
    assert f'<a href="/manage/groups/{scene.volunteers.pk}">Group</a>' in rows
    assert '<a href="/manage/clients/7d0c3a56-2b8f-4b7e-9a59-3f1f6a9c2e11">Client</a>' in rows
    assert "12 Mar 2026 12:00" in rows


def test_the_log_filters_by_action_and_by_days(melhus: Tenant, scene: Scene, log: None) -> None:
    client = web_client(melhus, scene.admin)

    hidden = text(client.get("/manage/audit/", {"action": "request.hidden"}))
    assert "hid a request" in hidden
    assert "posted a request" not in hidden.split("<tbody>")[1]

    # The last day is included whole
    march = text(client.get("/manage/audit/", {"since": "2026-03-02", "until": "2026-03-09"}))
    rows = march.split("<tbody>")[1]
    assert "hid a request" in rows
    assert "posted a request" in rows
    assert "created a group" not in rows
    assert "let a request expire" not in rows


def test_the_log_filters_by_who_by_id_never_by_name(melhus: Tenant, scene: Scene, log: None) -> None:
    client = web_client(melhus, scene.admin)
    page = text(client.get("/manage/audit/"))
    assert f'href="?actor={scene.poster.pk}"' in page

    only_per = text(client.get("/manage/audit/", {"actor": str(scene.poster.pk)}))

    assert "Only what Per Poster did." in only_per
    rows = only_per.split("<tbody>")[1]
    assert "posted a request" in rows
    assert "created a group" not in rows


def test_bad_filters_say_why_and_show_the_whole_log(melhus: Tenant, scene: Scene, log: None) -> None:
    client = web_client(melhus, scene.admin)

    backwards = client.get("/manage/audit/", {"since": "2026-03-09", "until": "2026-03-01"})
    nonsense = client.get("/manage/audit/", {"action": "no.such", "since": "yesterday"})

    assert backwards.status_code == 400
    assert "The last day must not come before the first." in text(backwards)
    assert nonsense.status_code == 400
    assert "created a group" in text(nonsense)


def test_the_log_comes_a_page_at_a_time(melhus: Tenant, scene: Scene, django_assert_max_num_queries: Any) -> None:
    with in_schema(melhus.schema_name):
        for n in range(30):
            _event("2026-04-01", "category.created", scene.admin, target_type="category", target_id=f"c{n}")
    client = web_client(melhus, scene.admin)

    first = text(client.get("/manage/audit/", {"action": "category.created"}))
    with django_assert_max_num_queries(9):
        second = text(client.get("/manage/audit/", {"action": "category.created", "page": "2"}))

    assert first.count("added a category</td>") == 25
    assert (
        "?action=category.created&amp;page=2"
        in client.get("/manage/audit/", {"action": "category.created"}).content.decode()
    )
    assert second.count("added a category</td>") == 5
    assert "Page 2 of 2" in second


def test_leaders_and_members_cannot_read_the_log(melhus: Tenant, scene: Scene, log: None) -> None:
    assert web_client(melhus, scene.channel_leader).get("/manage/audit/").status_code == 403
    assert web_client(melhus, scene.volunteer).get("/manage/audit/", {"action": "group.created"}).status_code == 403
