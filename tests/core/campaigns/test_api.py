"""The campaign endpoints: managing (admins, leaders), the public link, joining, QR codes, isolation."""

import re
from io import BytesIO
from xml.etree import ElementTree

import pytest
import qrcode
import qrcode.constants
from django.utils import timezone
from PIL import Image
from pytest_django import DjangoAssertNumQueries

from core.accounts.models import User
from core.campaigns.models import Campaign, CampaignSignup, CampaignVisit
from core.campaigns.selectors import campaign_stats
from core.campaigns.services import do_create_campaign
from core.groups.models import Category, Group, Membership, MembershipStatus, Role
from tenants.models import Tenant
from tests.conftest import Api, in_schema
from tests.factories import UserFactory, make_group, make_member

pytestmark = pytest.mark.django_db


def _link(campaign: Campaign) -> str:
    return f"http://melhus.localhost/c/{campaign.code}"


# --- Managing ----------------------------------------------------------------------------------


def test_leader_creates_campaign_and_gets_its_link(in_melhus: Tenant, group: Group, leader: User) -> None:
    response = Api(in_melhus, leader).post("campaigns/", {"group": str(group.pk), "name": "Vårdugnad"})

    assert response.status_code == 201, response.content
    body = response.json()
    campaign = Campaign.objects.get()
    assert body["id"] == str(campaign.pk)
    assert body["link"] == _link(campaign)
    assert body["stats"] == {"visits": 0, "signups": 0, "new_accounts": 0, "approvals": 0}


def test_member_cannot_create_campaign(in_melhus: Tenant, group: Group) -> None:
    member = make_member(group).user

    response = Api(in_melhus, member).post("campaigns/", {"group": str(group.pk), "name": "Mine"})

    assert response.status_code == 403
    assert not Campaign.objects.exists()


def test_bad_input_gets_field_messages_and_changes_nothing(in_melhus: Tenant, group: Group, leader: User) -> None:
    api = Api(in_melhus, leader)

    missing = api.post("campaigns/", {"group": str(group.pk)})
    backwards = api.post(
        "campaigns/",
        {"group": str(group.pk), "name": "X", "starts_at": "2026-05-02T10:00:00Z", "ends_at": "2026-05-01T10:00:00Z"},
    )

    assert missing.status_code == 400
    assert "name" in missing.json()
    assert backwards.status_code == 400
    assert "ends_at" in backwards.json()
    assert not Campaign.objects.exists()


def test_secret_group_is_not_found_for_someone_outside_it(in_melhus: Tenant) -> None:
    secret = make_group("Hemmelig", visibility="secret")
    outsider = UserFactory.create()

    response = Api(in_melhus, outsider).post("campaigns/", {"group": str(secret.pk), "name": "Peek"})

    assert response.status_code == 404


def test_leader_pauses_and_archives_campaign(in_melhus: Tenant, campaign: Campaign, leader: User) -> None:
    api = Api(in_melhus, leader)

    paused = api.patch(f"campaigns/{campaign.pk}", {"is_active": False})
    archived = api.post(f"campaigns/{campaign.pk}/archive")

    assert paused.status_code == 200
    assert paused.json()["is_active"] is False
    assert paused.json()["name"] == campaign.name  # fields left out keep their value
    assert archived.status_code == 200
    assert archived.json()["archived_at"] is not None


def test_campaign_detail_shows_counts(in_melhus: Tenant, campaign: Campaign, leader: User) -> None:
    CampaignVisit.objects.bulk_create([CampaignVisit(campaign=campaign) for _ in range(3)])

    response = Api(in_melhus, leader).get(f"campaigns/{campaign.pk}")

    assert response.status_code == 200
    assert response.json()["stats"]["visits"] == 3


def test_member_cannot_see_campaign_detail_or_qr(in_melhus: Tenant, campaign: Campaign, group: Group) -> None:
    api = Api(in_melhus, make_member(group).user)

    assert api.get(f"campaigns/{campaign.pk}").status_code == 404
    assert api.get(f"campaigns/{campaign.pk}/qr.png").status_code == 404
    assert api.get("campaigns/").json()["results"] == []


def test_campaign_list_has_a_fixed_number_of_queries(
    in_melhus: Tenant, admin: User, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    # Given many campaigns with visits and sign-ups across several groups...
    for index in range(8):
        group = make_group(f"Gruppe {index}")
        campaign = do_create_campaign(actor=admin, group=group, name=f"Kampanje {index}")
        CampaignVisit.objects.create(campaign=campaign)
        CampaignSignup.objects.create(campaign=campaign, user=UserFactory.create())
    api = Api(in_melhus, admin)

    # ...then the list costs the same few queries however many it shows.
    with django_assert_max_num_queries(3):
        response = api.get("campaigns/")
    assert response.status_code == 200
    rows = response.json()["results"]
    assert len(rows) == 8
    assert all(row["stats"]["visits"] == 1 and row["stats"]["signups"] == 1 for row in rows)


# --- QR codes ----------------------------------------------------------------------------------


def _expected_modules(url: str) -> list[list[bool]]:
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
    code.add_data(url)
    code.make(fit=True)
    return [list(row) for row in code.get_matrix()]


def test_png_qr_code_holds_the_campaign_link(in_melhus: Tenant, campaign: Campaign, leader: User) -> None:
    response = Api(in_melhus, leader).get(f"campaigns/{campaign.pk}/qr.png")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response.content.startswith(b"\x89PNG\r\n\x1a\n")
    # Read the modules back off the image and compare them with the code of the expected link.
    image = Image.open(BytesIO(response.content)).convert("L")
    expected = _expected_modules(_link(campaign))
    module = image.width // len(expected)
    read = [
        [image.getpixel((col * module + module // 2, row * module + module // 2)) == 0 for col in range(len(expected))]
        for row in range(len(expected))
    ]
    assert image.width == image.height == module * len(expected)
    assert read == expected


def test_svg_qr_code_is_a_standalone_svg_of_the_campaign_link(
    in_melhus: Tenant, campaign: Campaign, admin: User
) -> None:
    response = Api(in_melhus, admin).get(f"campaigns/{campaign.pk}/qr.svg")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    root = ElementTree.fromstring(response.content)  # noqa: S314 - our own output, in a test
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    # The single path draws one unit square per dark module: "M{x},{y}H..V..H..z".
    path = root.find("{http://www.w3.org/2000/svg}path")
    assert path is not None
    dark = {(int(y), int(x)) for x, y in re.findall(r"M(\d+),(\d+)H", path.attrib["d"])}
    expected = _expected_modules(_link(campaign))
    assert dark == {(r, c) for r, row in enumerate(expected) for c, on in enumerate(row) if on}


def test_qr_code_answers_an_image_whatever_the_accept_header(
    in_melhus: Tenant, campaign: Campaign, leader: User
) -> None:
    api = Api(in_melhus, leader)
    api.headers["HTTP_ACCEPT"] = "image/png"

    response = api.get(f"campaigns/{campaign.pk}/qr.png")

    assert response.status_code == 200
    assert response.content.startswith(b"\x89PNG")


# --- The public link ---------------------------------------------------------------------------


def test_anyone_opening_the_link_sees_the_groups_public_facts(
    in_melhus: Tenant, campaign: Campaign, group: Group
) -> None:
    group.categories.add(Category.objects.create(key="escort", name="Følge til lege"))

    response = Api(in_melhus).get(f"campaigns/by-code/{campaign.code}")

    assert response.status_code == 200
    body = response.json()
    assert body["name"] == campaign.name
    assert body["group"] == {
        "id": str(group.pk),
        "name": group.name,
        "description": group.description,
        "purpose": group.purpose,
        "join_policy": group.join_policy,
        "area": group.area,
        "categories": ["Følge til lege"],
    }
    assert set(body) == {"name", "group", "visit_id"}  # no counts, no code, nothing about other people


def test_reloading_in_the_same_browser_counts_one_visit(in_melhus: Tenant, campaign: Campaign) -> None:
    browser, other_browser = Api(in_melhus), Api(in_melhus)

    first = browser.get(f"campaigns/by-code/{campaign.code}").json()["visit_id"]
    again = browser.get(f"campaigns/by-code/{campaign.code}").json()["visit_id"]
    other_browser.get(f"campaigns/by-code/{campaign.code}")

    assert first == again
    assert campaign_stats(campaign=campaign).visits == 2


def test_app_without_cookies_sends_its_visit_back(in_melhus: Tenant, campaign: Campaign) -> None:
    visit_id = Api(in_melhus).get(f"campaigns/by-code/{campaign.code}").json()["visit_id"]

    Api(in_melhus).get(f"campaigns/by-code/{campaign.code}", {"visit": visit_id})

    assert campaign_stats(campaign=campaign).visits == 1


def test_unknown_paused_and_expired_codes_get_the_same_404(
    in_melhus: Tenant, campaign: Campaign, group: Group, leader: User
) -> None:
    paused = do_create_campaign(actor=leader, group=group, name="Paused")
    Campaign.objects.filter(pk=paused.pk).update(is_active=False)
    expired = do_create_campaign(actor=leader, group=group, name="Expired")
    Campaign.objects.filter(pk=expired.pk).update(ends_at=timezone.now())
    api = Api(in_melhus)

    answers = [api.get(f"campaigns/by-code/{code}") for code in ("unknowncode1", paused.code, expired.code)]

    assert [answer.status_code for answer in answers] == [404, 404, 404]
    assert len({answer.content for answer in answers}) == 1
    assert not CampaignVisit.objects.exists()


# --- Joining -----------------------------------------------------------------------------------


def test_visitor_who_signs_up_in_the_same_browser_counts_as_a_new_account(
    in_melhus: Tenant, campaign: Campaign, group: Group
) -> None:
    # Given a visitor who opens the link, then creates an account and logs in, in the same browser...
    browser = Api(in_melhus)
    assert browser.get(f"campaigns/by-code/{campaign.code}").status_code == 200
    newcomer = UserFactory.create()
    browser.client.force_login(newcomer)

    # When they join (signed in by their session cookie)...
    response = browser.post(f"campaigns/by-code/{campaign.code}/join")

    # ...then they applied to the group, and the sign-up is linked to their visit as a new account.
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == MembershipStatus.APPLIED
    assert body["group"] == str(group.pk)
    assert (body["signed_up"], body["new_account"]) == (True, True)
    assert CampaignSignup.objects.get().visit is not None
    assert Membership.objects.filter(group=group, user=newcomer).exists()
    stats = campaign_stats(campaign=campaign)
    assert (stats.visits, stats.signups, stats.new_accounts) == (1, 1, 1)


def test_app_joins_with_token_and_the_visit_it_was_given(in_melhus: Tenant, campaign: Campaign) -> None:
    visit_id = Api(in_melhus).get(f"campaigns/by-code/{campaign.code}").json()["visit_id"]
    newcomer = UserFactory.create()

    response = Api(in_melhus, newcomer).post(f"campaigns/by-code/{campaign.code}/join", {"visit_id": visit_id})

    assert response.status_code == 200
    assert response.json()["new_account"] is True
    assert str(CampaignSignup.objects.get().visit_id) == visit_id


def test_joining_needs_a_signed_in_person(in_melhus: Tenant, campaign: Campaign) -> None:
    response = Api(in_melhus).post(f"campaigns/by-code/{campaign.code}/join")

    assert response.status_code in (401, 403)
    assert not CampaignSignup.objects.exists()


def test_joining_a_closed_campaign_is_404(in_melhus: Tenant, campaign: Campaign, leader: User) -> None:
    Campaign.objects.filter(pk=campaign.pk).update(archived_at=timezone.now())

    response = Api(in_melhus, UserFactory.create()).post(f"campaigns/by-code/{campaign.code}/join")

    assert response.status_code == 404
    assert not Membership.objects.exclude(role=Role.LEADER).exists()


# --- Isolation ---------------------------------------------------------------------------------


def test_red_cross_people_get_nothing_of_melhus_campaigns(
    melhus: Tenant, red_cross: Tenant, campaign: Campaign
) -> None:
    # Given a Red Cross admin with a valid token in their own tenant...
    with in_schema(red_cross.schema_name):
        rc_admin = UserFactory.create(is_tenant_admin=True)
        rc_api_on_melhus = Api(melhus, rc_admin)
        rc_api_at_home = Api(red_cross, token=rc_api_on_melhus.headers["HTTP_AUTHORIZATION"].split()[1])

    # ...their token does not work on Melhus' host...
    assert rc_api_on_melhus.get("campaigns/").status_code == 401
    assert rc_api_on_melhus.get(f"campaigns/{campaign.pk}/qr.svg").status_code == 401
    # ...and at home, Melhus' ids and codes name nothing.
    assert rc_api_at_home.get("campaigns/").json()["results"] == []
    assert rc_api_at_home.get(f"campaigns/{campaign.pk}").status_code == 404
    assert rc_api_at_home.get(f"campaigns/{campaign.pk}/qr.png").status_code == 404
    assert rc_api_at_home.patch(f"campaigns/{campaign.pk}", {"name": "Taken"}).status_code == 404
    assert rc_api_at_home.post(f"campaigns/{campaign.pk}/archive").status_code == 404
    assert rc_api_at_home.get(f"campaigns/by-code/{campaign.code}").status_code == 404
    assert rc_api_at_home.post(f"campaigns/by-code/{campaign.code}/join").status_code == 404
    campaign.refresh_from_db()
    assert (campaign.name, campaign.archived_at) == ("Vårdugnad 2026", None)
    assert not CampaignVisit.objects.exists()
