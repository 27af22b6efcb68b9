"""Pages about communication and the site: who reaches them, and that nothing crosses between tenants.

The helpers and fixtures here are shared by the other tests/web/test_manage_site_*.py files.
"""

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client, override_settings

from core.accounts.models import User
from core.announcements.services import do_post_announcement
from core.campaigns.models import Campaign
from core.campaigns.services import do_create_campaign
from core.groups.models import Category
from core.groups.services import do_create_category
from core.moderation.models import Report, Sanction
from core.moderation.services import do_report, do_suspend
from tenants.models import Tenant
from tests.conftest import in_schema
from tests.core.moderation.conftest import Scene, build_scene
from tests.factories import UserFactory
from tests.web.conftest import web_client

pytestmark = pytest.mark.django_db

MANAGER_PAGES = ("/manage/campaigns/", "/manage/announcements/", "/manage/moderation/")
ADMIN_PAGES = ("/manage/audit/", "/manage/settings/")


def text(response: Any) -> str:
    return html.unescape(response.content.decode())


def one_h1(page: str) -> None:
    assert len(re.findall(r"<h1[\s>]", page)) == 1, "a page has exactly one h1"


def no_inline_style_or_script(page: str) -> None:
    assert "style=" not in page
    assert "<script>" not in page
    assert not re.search(r"\son[a-z]+=", page)


@pytest.fixture
def media_root(tmp_path: Path) -> Iterator[Path]:
    # A new STORAGES makes Django build a fresh default storage, which reads the new MEDIA_ROOT.
    with override_settings(MEDIA_ROOT=str(tmp_path), STORAGES={**settings.STORAGES}):
        yield tmp_path


@pytest.fixture
def scene(melhus: Tenant) -> Scene:
    """Melhus: a need group posting a request into a channel the volunteers answer, with a question on it."""
    with in_schema(melhus.schema_name):
        return build_scene()


@dataclass
class RedCross:
    admin: User
    campaign: Campaign
    report: Report
    sanction: Sanction
    category: Category


@pytest.fixture
def rc(red_cross: Tenant) -> RedCross:
    """A Red Cross campaign, report, sanction, category and announcement, all with their own UUIDs."""
    with in_schema(red_cross.schema_name):
        s = build_scene("RC ")
        campaign = do_create_campaign(actor=s.channel_leader, group=s.volunteers, name="RC vervekampanje")
        report = do_report(reporter=s.volunteer, request=s.request, reason="RC rapport")
        sanction = do_suspend(actor=s.admin, user=s.poster, reason="RC grunn")
        category = do_create_category(actor=s.admin, key="rc-kategori", name="RC kategori")
        do_post_announcement(actor=s.channel_leader, group=s.volunteers, title="RC kunngjøring", body="Intern")
        return RedCross(admin=s.admin, campaign=campaign, report=report, sanction=sanction, category=category)


# --- Who reaches which page ----------------------------------------------------------------------


@pytest.mark.parametrize("path", [*MANAGER_PAGES, *ADMIN_PAGES, "/announcements/"])
def test_a_visitor_is_sent_to_the_sms_login(melhus: Tenant, path: str) -> None:
    response = web_client(melhus).get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("path", [*MANAGER_PAGES, *ADMIN_PAGES])
def test_a_member_who_leads_nothing_is_refused(melhus: Tenant, scene: Scene, path: str) -> None:
    assert web_client(melhus, scene.volunteer).get(path).status_code == 403


@pytest.mark.parametrize("path", MANAGER_PAGES)
def test_a_leader_opens_the_pages_for_managers(melhus: Tenant, scene: Scene, path: str) -> None:
    response = web_client(melhus, scene.channel_leader).get(path)
    page = text(response)
    assert response.status_code == 200
    one_h1(page)
    no_inline_style_or_script(page)


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_only_admins_open_the_audit_log_and_the_settings(melhus: Tenant, scene: Scene, path: str) -> None:
    assert web_client(melhus, scene.channel_leader).get(path).status_code == 403
    response = web_client(melhus, scene.admin).get(path)
    assert response.status_code == 200
    one_h1(text(response))
    no_inline_style_or_script(text(response))


def test_a_member_reads_the_announcements_page(melhus: Tenant, scene: Scene) -> None:
    response = web_client(melhus, scene.volunteer).get("/announcements/")
    assert response.status_code == 200
    one_h1(text(response))


# --- Tenant isolation ----------------------------------------------------------------------------


def _detail_urls(rc: RedCross) -> list[tuple[str, str]]:
    campaign, report, category = rc.campaign.pk, rc.report.pk, rc.category.pk
    return [
        ("get", f"/manage/campaigns/{campaign}"),
        ("get", f"/manage/campaigns/{campaign}/print"),
        ("get", f"/manage/campaigns/{campaign}/qr.svg"),
        ("post", f"/manage/campaigns/{campaign}/active"),
        ("post", f"/manage/campaigns/{campaign}/archive"),
        ("get", f"/manage/moderation/{report}"),
        ("post", f"/manage/moderation/{report}/decide"),
        ("post", f"/manage/moderation/{report}/sanction"),
        ("post", f"/manage/moderation/{report}/sanctions/{rc.sanction.pk}/lift"),
        ("post", f"/manage/settings/categories/{category}"),
        ("post", f"/manage/settings/categories/{category}/remove"),
    ]


def test_every_red_cross_uuid_is_not_found_on_melhus_host(
    melhus: Tenant, red_cross: Tenant, scene: Scene, rc: RedCross
) -> None:
    # Given a Melhus admin, who may open every page of Melhus
    client = web_client(melhus, scene.admin)

    # When they ask Melhus' host for Red Cross' rows by UUID, with every kind of decision
    for method, path in _detail_urls(rc):
        data = {"decision": "hide", "kind": "suspension", "reason": "x", "active": "0", f"{rc.category.pk}-name": "x"}
        response = getattr(client, method)(path, data) if method == "post" else client.get(path)

        # Then each is simply not found, and shows nothing of Red Cross
        assert response.status_code == 404, path
        assert "RC " not in text(response), path

    # and nothing changed at Red Cross
    with in_schema(red_cross.schema_name):
        assert Campaign.objects.get(pk=rc.campaign.pk).is_active
        assert Report.objects.get(pk=rc.report.pk).status == "open"
        assert Sanction.objects.get(pk=rc.sanction.pk).lifted_at is None
        assert Category.objects.get(pk=rc.category.pk).name == "RC kategori"


def test_melhus_lists_show_nothing_of_red_cross(melhus: Tenant, scene: Scene, rc: RedCross) -> None:
    client = web_client(melhus, scene.admin)
    for path in (*MANAGER_PAGES, *ADMIN_PAGES, "/announcements/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "RC " not in text(response), path


@pytest.mark.parametrize("path", [*MANAGER_PAGES, *ADMIN_PAGES, "/announcements/"])
def test_a_red_cross_admins_session_is_anonymous_on_melhus_host(
    melhus: Tenant, red_cross: Tenant, rc: RedCross, path: str
) -> None:
    client: Client = web_client(red_cross, rc.admin)
    assert client.get(path).status_code == 200

    response = client.get(path, HTTP_HOST=f"{melhus.slug}.localhost")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_logo_of_one_tenant_is_not_served_by_another(
    melhus: Tenant, red_cross: Tenant, scene: Scene, media_root: Path
) -> None:
    from tests.core.branding.conftest import picture

    # Given a logo uploaded on Melhus' settings page
    client = web_client(melhus, scene.admin)
    form = {
        "display_name": "",
        "primary_colour": "#0b5394",
        "accent_colour": "#1e6b3a",
        "languages": ["nb", "sv", "en"],
        "default_language": "nb",
        "default_open_days": "7",
        "expiry_reminder_hours": "24",
    }
    from django.core.files.uploadedfile import SimpleUploadedFile

    posted = client.post("/manage/settings/", {**form, "logo": SimpleUploadedFile("logo.png", picture())})
    assert posted.status_code == 302, text(posted)

    # Then Melhus serves it, as a PNG, from a file inside Melhus' own folder
    served = web_client(melhus).get("/branding/logo")
    assert served.status_code == 200
    assert served["Content-Type"] == "image/png"
    assert "max-age" in served["Cache-Control"]
    assert b"".join(served.streaming_content).startswith(b"\x89PNG")  # type: ignore[attr-defined]
    files = list(media_root.rglob("*.png"))
    assert len(files) == 1
    assert files[0].is_relative_to(media_root / melhus.schema_name)

    # and Red Cross, which has no logo, answers 404 for the same path
    assert web_client(red_cross).get("/branding/logo").status_code == 404


def test_a_red_cross_announcement_stays_out_of_melhus_admins_page(melhus: Tenant, rc: RedCross) -> None:
    with in_schema(melhus.schema_name):
        admin = UserFactory.create(is_tenant_admin=True, language="en")
    assert "RC kunngjøring" not in text(web_client(melhus, admin).get("/announcements/"))
