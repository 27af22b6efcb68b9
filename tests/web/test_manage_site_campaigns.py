"""Campaign pages: leaders create one, see its link, QR code and sign-ups, pause it and print its poster."""

from typing import Any

import pytest

from core.audit.models import AuditEvent
from core.campaigns.models import Campaign, CampaignSignup
from core.campaigns.services import do_create_campaign
from core.groups.models import JoinPolicy, Visibility
from tenants.models import Tenant
from tests.conftest import in_schema
from tests.core.moderation.conftest import Scene
from tests.factories import UserFactory, make_group
from tests.web.conftest import web_client
from tests.web.test_manage_site import no_inline_style_or_script, one_h1, scene, text

pytestmark = pytest.mark.django_db
__all__ = ["scene"]


def _campaign(melhus: Tenant, scene: Scene, name: str = "Vårdugnad") -> Campaign:
    with in_schema(melhus.schema_name):
        return do_create_campaign(actor=scene.channel_leader, group=scene.volunteers, name=name)


def test_a_leader_creates_a_campaign_and_sees_its_link_and_qr_code(melhus: Tenant, scene: Scene) -> None:
    client = web_client(melhus, scene.channel_leader)

    # When the volunteers' leader creates a campaign for their group
    posted = client.post(
        "/manage/campaigns/",
        {"name": "Frivilligmessa 2026", "group": str(scene.volunteers.pk), "starts": "", "ends": "2030-06-30"},
    )

    # Then it exists, recorded in the audit log, ending at the end of its last day
    with in_schema(melhus.schema_name):
        campaign = Campaign.objects.get()
        assert AuditEvent.objects.filter(action="campaign.created", target_id=str(campaign.pk)).exists()
    assert campaign.group_id == scene.volunteers.pk
    assert campaign.ends_at is not None
    assert campaign.ends_at.isoformat().startswith("2030-06-30T22:00")  # midnight in Oslo, in summer
    assert posted.status_code == 302
    assert posted["Location"] == f"/manage/campaigns/{campaign.pk}"

    # and its page shows the link, a labelled QR code drawn inline, and no sign-ups yet
    response = client.get(posted["Location"])
    page = text(response)
    assert response.status_code == 200
    one_h1(page)
    no_inline_style_or_script(page)
    assert f"http://melhus.localhost/c/{campaign.code}" in page
    assert '<svg role="img" aria-label="QR code for melhus.localhost/c/' in page
    assert "<?xml" not in page
    assert "Frivillige" in page
    assert "<dt>Sign-ups</dt><dd>0</dd>" in page


def test_the_poster_prints_the_group_a_pitch_a_large_qr_code_and_the_short_link(melhus: Tenant, scene: Scene) -> None:
    campaign = _campaign(melhus, scene)
    client = web_client(melhus, scene.channel_leader)

    response = client.get(f"/manage/campaigns/{campaign.pk}/print")
    page = text(response)

    assert response.status_code == 200
    one_h1(page)
    no_inline_style_or_script(page)
    assert '<h1 id="poster-title" class="poster-title">Frivillige</h1>' in page
    # The print stylesheet is linked in the head, where a stylesheet belongs.
    assert "/static/web/print.css" in page.split("</head>")[0]
    assert 'class="poster-qr"><svg role="img"' in page
    assert f'<p class="poster-link">melhus.localhost/c/{campaign.code}</p>' in page
    assert "Lend a hand: scan the code" in page
    # The leader may put their own line on it; GET changes nothing
    custom = text(client.get(f"/manage/campaigns/{campaign.pk}/print", {"pitch": "Bli med på dugnad!"}))
    assert '<p class="poster-pitch">Bli med på dugnad!</p>' in custom


def test_the_qr_code_downloads_as_svg(melhus: Tenant, scene: Scene) -> None:
    campaign = _campaign(melhus, scene)
    response = web_client(melhus, scene.channel_leader).get(f"/manage/campaigns/{campaign.pk}/qr.svg")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert response.content.startswith(b"<?xml")


def test_the_list_shows_each_campaigns_group_link_sign_ups_and_state(
    melhus: Tenant, scene: Scene, django_assert_max_num_queries: Any
) -> None:
    # Given three campaigns, one paused, one with two sign-ups, and another group's campaign
    with in_schema(melhus.schema_name):
        busy = do_create_campaign(actor=scene.channel_leader, group=scene.volunteers, name="Busy")
        for _ in range(2):
            CampaignSignup.objects.create(campaign=busy, user=UserFactory.create())
        paused = do_create_campaign(actor=scene.channel_leader, group=scene.volunteers, name="Paused")
        Campaign.objects.filter(pk=paused.pk).update(is_active=False)
        do_create_campaign(actor=scene.chess_leader, group=scene.chess, name="Chess")
    client = web_client(melhus, scene.channel_leader)

    # When the volunteers' leader opens the list
    with django_assert_max_num_queries(12):
        response = client.get("/manage/campaigns/")
    page = text(response)

    # Then they see their own two, with counts and states in words, and not the chess campaign
    assert response.status_code == 200
    assert "Busy" in page
    assert "Paused</span>" in page
    assert f"/c/{busy.code}" in page
    assert '<td class="num">2</td>' in page
    assert "Chess" not in page
    # and an admin sees all three, in as many queries
    as_admin = web_client(melhus, scene.admin)
    with django_assert_max_num_queries(12):
        everything = text(as_admin.get("/manage/campaigns/"))
    assert "Chess" in everything


def test_a_campaign_without_a_name_or_for_a_secret_group_is_refused(melhus: Tenant, scene: Scene) -> None:
    with in_schema(melhus.schema_name):
        secret = make_group("Hemmelig", visibility=Visibility.SECRET, join_policy=JoinPolicy.INVITATION)
    client = web_client(melhus, scene.admin)

    nameless = client.post("/manage/campaigns/", {"name": " ", "group": str(scene.volunteers.pk)})
    assert nameless.status_code == 400
    assert "Give the campaign a name." in text(nameless) or "This field is required." in text(nameless)

    hidden = client.post("/manage/campaigns/", {"name": "Hemmelig", "group": str(secret.pk)})
    assert hidden.status_code == 400
    assert "error-summary" in text(hidden)

    backwards = client.post(
        "/manage/campaigns/",
        {"name": "Bakvendt", "group": str(scene.volunteers.pk), "starts": "2030-02-01", "ends": "2030-01-01"},
    )
    assert backwards.status_code == 400
    assert "A campaign must end after it starts." in text(backwards)
    with in_schema(melhus.schema_name):
        assert not Campaign.objects.exists()


def test_a_leader_pauses_opens_and_archives_a_campaign(melhus: Tenant, scene: Scene) -> None:
    campaign = _campaign(melhus, scene)
    client = web_client(melhus, scene.channel_leader)

    assert client.post(f"/manage/campaigns/{campaign.pk}/active", {"active": "0"}).status_code == 302
    with in_schema(melhus.schema_name):
        assert not Campaign.objects.get(pk=campaign.pk).is_active
    assert "Paused" in text(client.get(f"/manage/campaigns/{campaign.pk}"))

    client.post(f"/manage/campaigns/{campaign.pk}/active", {"active": "1"})
    with in_schema(melhus.schema_name):
        assert Campaign.objects.get(pk=campaign.pk).is_active

    client.post(f"/manage/campaigns/{campaign.pk}/archive")
    with in_schema(melhus.schema_name):
        archived = Campaign.objects.get(pk=campaign.pk)
    assert archived.archived_at is not None
    assert not archived.is_active
    # An archived campaign cannot be opened again: the service says so, and nothing changes
    refused = client.post(f"/manage/campaigns/{campaign.pk}/active", {"active": "1"})
    assert refused.status_code == 400
    assert "archived and can no longer be changed" in text(refused)
    with in_schema(melhus.schema_name):
        assert not Campaign.objects.get(pk=campaign.pk).is_active


def test_a_leader_of_another_group_and_a_member_cannot_open_the_campaign(melhus: Tenant, scene: Scene) -> None:
    campaign = _campaign(melhus, scene)
    assert web_client(melhus, scene.chess_leader).get(f"/manage/campaigns/{campaign.pk}").status_code == 404
    assert web_client(melhus, scene.chess_leader).post(f"/manage/campaigns/{campaign.pk}/archive").status_code == 404
    assert web_client(melhus, scene.volunteer).get(f"/manage/campaigns/{campaign.pk}").status_code == 403
    assert web_client(melhus, scene.volunteer).get(f"/manage/campaigns/{campaign.pk}/print").status_code == 403
    with in_schema(melhus.schema_name):
        assert Campaign.objects.get(pk=campaign.pk).archived_at is None
