"""Management pages about structure: the dashboard, groups, channels, requirements and declarations."""

import html
import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from core.audit.models import AuditEvent
from core.groups.models import Channel, Group, Invitation, Membership, MembershipStatus, Role
from core.qualification.models import Declaration, DeclarationVersion, Requirement, RequirementKind
from core.qualification.services import do_create_declaration
from core.requests.models import HelpRequest, RequestState
from core.requests.statistics import open_requests_now, request_statistics
from core.web.manage_people.dashboard import period_for
from tenants.models import Tenant
from tests.conftest import in_schema
from tests.core.requests.conftest import Scene, build_scene
from tests.factories import UserFactory, make_group, make_member
from tests.web.conftest import web_client

pytestmark = pytest.mark.django_db

Queries = Callable[..., Any]


def _page(response: Any) -> str:
    return html.unescape(response.content.decode())


def _one_h1(page: str) -> None:
    assert len(re.findall(r"<h1[\s>]", page)) == 1, "a page has exactly one h1"


def _unique_ids(page: str) -> None:
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert sorted({i for i in ids if ids.count(i) > 1}) == [], "ids on a page are unique"


@pytest.fixture
def scene(melhus: Tenant) -> Scene:
    with in_schema(melhus.schema_name):
        return build_scene()


def _post_requests(scene: Scene, melhus: Tenant) -> None:
    """Five requests in the last days: two open, one agreed after 2 h, one completed after 4 h, one expired."""
    now = timezone.now()
    with in_schema(melhus.schema_name):
        for days_ago, state, agreed_after in (
            (1, RequestState.OPEN, None),
            (2, RequestState.OPEN, None),
            (3, RequestState.AGREED, timedelta(hours=2)),
            (4, RequestState.COMPLETED, timedelta(hours=4)),
            (5, RequestState.EXPIRED, None),
        ):
            created = now - timedelta(days=days_ago)
            HelpRequest.objects.create(
                channel=scene.channel,
                poster_group=scene.home_care,
                posted_by=scene.nurse,
                title="Følge til legen",
                state=state,
                created_at=created,
                expires_at=created + timedelta(days=2),
                agreed_at=created + agreed_after if agreed_after else None,
                first_offer_at=created + agreed_after if agreed_after else None,
            )
        # one applicant waiting for the volunteers
        make_member(scene.volunteers, UserFactory.create(name="Anna Applicant"), status=MembershipStatus.APPLIED)


# --- Who may open the pages ----------------------------------------------------------------------

LIST_PATHS = [
    "/manage/",
    "/manage/groups/",
    "/manage/channels/",
    "/manage/requirements/",
    "/manage/applicants/",
    "/manage/members/",
]


@pytest.mark.parametrize("path", [*LIST_PATHS, "/manage/clients/"])
def test_a_plain_member_is_refused_every_management_page(melhus: Tenant, scene: Scene, path: str) -> None:
    response = web_client(melhus, scene.volunteer).get(path)

    assert response.status_code == 403


@pytest.mark.parametrize("path", [*LIST_PATHS, "/manage/clients/"])
def test_a_visitor_is_sent_to_the_sms_login(melhus: Tenant, path: str) -> None:
    response = web_client(melhus).get(path)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("path", LIST_PATHS)
def test_every_list_page_has_one_heading_and_the_management_menu(melhus: Tenant, scene: Scene, path: str) -> None:
    page = _page(web_client(melhus, scene.admin).get(path))

    _one_h1(page)
    _unique_ids(page)
    assert 'class="manage-nav"' in page
    assert 'style="' not in page
    assert "<script>" not in page


# --- Dashboard -----------------------------------------------------------------------------------


def test_the_admins_dashboard_shows_the_statistics_services_figures(
    melhus: Tenant, scene: Scene, django_assert_max_num_queries: Queries
) -> None:
    # Given five requests over the last days and one applicant
    _post_requests(scene, melhus)
    client = web_client(melhus, scene.admin)

    # When the admin opens the dashboard
    with django_assert_max_num_queries(30):
        response = client.get("/manage/")
    page = _page(response)

    # Then the tiles carry the service's figures
    with in_schema(melhus.schema_name):
        choice = period_for("30d", today=timezone.localdate())
        figures = request_statistics(viewer=scene.admin, period=choice.period, bucket=choice.bucket)
        open_now = open_requests_now(viewer=scene.admin)
    assert response.status_code == 200
    assert figures.totals.posted == 5
    assert open_now == 2
    tiles = {
        label: value
        for value, label in re.findall(
            r'<span class="stat-value">([^<]+)</span> <span class="stat-label">([^<]+)</span>', page
        )
    }
    assert tiles["requests open now"] == "2"
    assert tiles["requests posted in the period"] == "5"
    assert tiles["of them agreed"] == str(figures.totals.agreed) == "2"
    assert tiles["expired without a helper"] == "20 %"
    assert tiles["median time to agreement"] == "3 hours"
    assert tiles["applicants waiting"] == "1"
    # and the charts are pictures with names and their figures in tables
    assert page.count('role="img"') >= 5
    assert "Show the figures" in page
    assert "Requests by what became of them" in page
    assert "Hjemmetjenesten" in page
    assert "Frivillige" in page


def test_the_dashboard_period_is_chosen_in_the_query_string(melhus: Tenant, scene: Scene) -> None:
    _post_requests(scene, melhus)
    client = web_client(melhus, scene.admin)

    year = client.get("/manage/?period=12m")
    bad = client.get("/manage/?period=forever")

    assert year.status_code == 200
    assert "Month" in _page(year)
    assert bad.status_code == 400
    assert "Select a valid choice" in _page(bad)


def test_a_leader_sees_the_figures_of_the_group_they_lead_only(melhus: Tenant, scene: Scene) -> None:
    # Given requests of the home-care channel, which the leader's volunteers answer
    _post_requests(scene, melhus)
    client = web_client(melhus, scene.leader)

    # When the leader opens the dashboard
    response = client.get("/manage/")
    page = _page(response)

    # Then the figures are the volunteers' (the channel's requests count for them)
    assert response.status_code == 200
    assert "Figures for Frivillige" in page
    assert '<option value="' + str(scene.volunteers.pk) + '" selected>' in page
    assert str(scene.home_care.pk) not in page
    # and asking for a group they do not lead is refused
    assert client.get(f"/manage/?group={scene.home_care.pk}").status_code == 400


# --- Groups --------------------------------------------------------------------------------------


def test_the_admin_lists_every_group_with_members_and_applicants(
    melhus: Tenant, scene: Scene, django_assert_max_num_queries: Queries
) -> None:
    _post_requests(scene, melhus)
    with in_schema(melhus.schema_name):
        for number in range(30):
            make_group(f"Zz gruppe {number:02}")
    client = web_client(melhus, scene.admin)

    with django_assert_max_num_queries(12):
        response = client.get("/manage/groups/")
    page = _page(response)

    assert response.status_code == 200
    assert "Hjemmetjenesten" in page
    assert "Frivillige" in page
    assert "Sjakk" in page
    row = re.search(r"Frivillige</a>.*?</tr>", page, re.S)
    assert row is not None
    assert re.findall(r'<td class="num">(?:<a [^>]+>)?(\d+)', row.group(0)) == ["3", "1"]
    assert "New group" in page
    assert "Page 1 of 2" in page


def test_a_leader_lists_only_the_groups_they_lead_and_cannot_create(melhus: Tenant, scene: Scene) -> None:
    page = _page(web_client(melhus, scene.leader).get("/manage/groups/"))

    assert "Frivillige" in page
    assert "Hjemmetjenesten" not in page
    assert "Create the group" not in page


def test_the_admin_creates_a_group(melhus: Tenant, scene: Scene) -> None:
    client = web_client(melhus, scene.admin)

    response = client.post(
        "/manage/groups/",
        {"name": "Handlehjelp", "purpose": "resource", "join_policy": "approval", "visibility": "public"},
    )

    with in_schema(melhus.schema_name):
        group = Group.objects.get(name="Handlehjelp")
        assert AuditEvent.objects.filter(action="group.created", target_id=str(group.pk)).exists()
    assert response.status_code == 302
    assert response["Location"] == f"/manage/groups/{group.pk}"


def test_a_group_with_a_taken_name_is_refused_and_nothing_changes(melhus: Tenant, scene: Scene) -> None:
    client = web_client(melhus, scene.admin)

    response = client.post(
        "/manage/groups/",
        {"name": "Frivillige", "purpose": "resource", "join_policy": "approval", "visibility": "public"},
    )

    assert response.status_code == 400
    assert "error-summary" in _page(response)
    with in_schema(melhus.schema_name):
        assert Group.objects.filter(name="Frivillige").count() == 1


def test_a_leader_cannot_create_a_group(melhus: Tenant, scene: Scene) -> None:
    response = web_client(melhus, scene.leader).post(
        "/manage/groups/", {"name": "Mine", "purpose": "resource", "join_policy": "approval", "visibility": "public"}
    )

    assert response.status_code == 400
    assert "Only the tenant's admins may do this." in _page(response)
    with in_schema(melhus.schema_name):
        assert not Group.objects.filter(name="Mine").exists()


def test_the_group_page_shows_members_channels_and_the_leaders_own_settings(melhus: Tenant, scene: Scene) -> None:
    client = web_client(melhus, scene.leader)

    response = client.get(f"/manage/groups/{scene.volunteers.pk}")
    page = _page(response)

    assert response.status_code == 200
    _one_h1(page)
    assert "Vera Volunteer" in page
    assert "Lea Leader" in page
    assert "Answers requests in:" in page
    assert "Hjelp i hverdagen" in page
    # leaders change the texts only
    assert 'name="description"' in page
    assert 'name="welcome_text"' in page
    assert 'name="name"' not in page
    assert "Archive the group" not in page


def test_the_admins_group_page_holds_every_form_with_its_own_field_ids(melhus: Tenant, scene: Scene) -> None:
    page = _page(web_client(melhus, scene.admin).get(f"/manage/groups/{scene.volunteers.pk}"))

    _one_h1(page)
    _unique_ids(page)
    assert 'name="name"' in page
    assert 'id="requirement_description"' in page
    assert 'id="invite_phone"' in page
    assert "Archive the group" in page


def test_a_leader_gets_404_for_a_group_they_do_not_lead(melhus: Tenant, scene: Scene) -> None:
    assert web_client(melhus, scene.leader).get(f"/manage/groups/{scene.home_care.pk}").status_code == 404


def test_a_leader_changes_the_welcome_text(melhus: Tenant, scene: Scene) -> None:
    response = web_client(melhus, scene.leader).post(
        f"/manage/groups/{scene.volunteers.pk}", {"description": "Vi hjelper.", "welcome_text": "Velkommen!"}
    )

    assert response.status_code == 302
    with in_schema(melhus.schema_name):
        group = Group.objects.get(pk=scene.volunteers.pk)
        assert (group.description, group.welcome_text) == ("Vi hjelper.", "Velkommen!")
        assert group.name == "Frivillige"


def test_a_police_certificate_requirement_needs_a_legal_basis(melhus: Tenant, scene: Scene) -> None:
    client = web_client(melhus, scene.leader)
    path = f"/manage/groups/{scene.volunteers.pk}/requirements"

    refused = client.post(path, {"kind": "police_certificate"})
    added = client.post(path, {"kind": "police_certificate", "legal_basis": "minors", "validity_months": "36"})

    assert refused.status_code == 400
    assert "A police certificate may only be asked for with a legal basis." in _page(refused)
    assert added.status_code == 302
    with in_schema(melhus.schema_name):
        requirement = Requirement.objects.get(group=scene.volunteers)
        assert (requirement.kind, requirement.legal_basis, requirement.validity_months) == (
            RequirementKind.POLICE_CERTIFICATE,
            "minors",
            36,
        )


def test_a_requirement_is_removed_from_its_group(melhus: Tenant, scene: Scene) -> None:
    with in_schema(melhus.schema_name):
        requirement = Requirement.objects.create(group=scene.volunteers, kind=RequirementKind.ID_VERIFIED)
    client = web_client(melhus, scene.leader)

    response = client.post(f"/manage/requirements/{requirement.pk}/remove")

    assert response.status_code == 302
    with in_schema(melhus.schema_name):
        assert not Requirement.objects.filter(pk=requirement.pk).exists()


def test_a_leader_invites_by_phone_and_withdraws_the_invitation(melhus: Tenant, scene: Scene) -> None:
    client = web_client(melhus, scene.leader)

    sent = client.post(f"/manage/groups/{scene.volunteers.pk}/invite", {"phone": "912 34 567", "role": "member"})

    assert sent.status_code == 302
    assert "912" not in sent["Location"]
    with in_schema(melhus.schema_name):
        invitation = Invitation.objects.get(group=scene.volunteers)
        assert invitation.phone == "+4791234567"
    page = _page(client.get(f"/manage/groups/{scene.volunteers.pk}"))
    assert "+47 91 23 45 67" in page

    withdrawn = client.post(f"/manage/invitations/{invitation.pk}/revoke")

    assert withdrawn.status_code == 302
    with in_schema(melhus.schema_name):
        assert Invitation.objects.get(pk=invitation.pk).revoked_at is not None


def test_a_bad_phone_number_is_refused_and_nothing_is_sent(melhus: Tenant, scene: Scene) -> None:
    response = web_client(melhus, scene.leader).post(
        f"/manage/groups/{scene.volunteers.pk}/invite", {"phone": "12", "role": "member"}
    )

    assert response.status_code == 400
    assert "error-summary" in _page(response)
    with in_schema(melhus.schema_name):
        assert not Invitation.objects.exists()


def test_a_leader_moves_a_member_to_staff_but_may_not_make_a_leader(melhus: Tenant, scene: Scene) -> None:
    with in_schema(melhus.schema_name):
        membership = Membership.objects.get(group=scene.volunteers, user=scene.volunteer)
    client = web_client(melhus, scene.leader)

    staff = client.post(f"/manage/memberships/{membership.pk}/role", {"role": "staff"})
    leader = client.post(f"/manage/memberships/{membership.pk}/role", {"role": "leader"})

    assert staff.status_code == 302
    assert leader.status_code == 400
    assert "Only the tenant's admins may give or remove the group-leader role." in _page(leader)
    with in_schema(melhus.schema_name):
        assert Membership.objects.get(pk=membership.pk).role == Role.STAFF


def test_a_leader_removes_a_member(melhus: Tenant, scene: Scene) -> None:
    with in_schema(melhus.schema_name):
        membership = Membership.objects.get(group=scene.volunteers, user=scene.volunteer)

    response = web_client(melhus, scene.leader).post(f"/manage/memberships/{membership.pk}/remove")

    assert response.status_code == 302
    with in_schema(melhus.schema_name):
        assert Membership.objects.get(pk=membership.pk).status == MembershipStatus.WITHDRAWN


def test_the_admin_archives_a_group(melhus: Tenant, scene: Scene) -> None:
    response = web_client(melhus, scene.admin).post(f"/manage/groups/{scene.volunteers.pk}/archive")

    assert response.status_code == 302
    with in_schema(melhus.schema_name):
        assert Group.objects.get(pk=scene.volunteers.pk).archived_at is not None


def test_a_leader_cannot_archive_their_group(melhus: Tenant, scene: Scene) -> None:
    response = web_client(melhus, scene.leader).post(f"/manage/groups/{scene.volunteers.pk}/archive")

    assert response.status_code == 400
    with in_schema(melhus.schema_name):
        assert Group.objects.get(pk=scene.volunteers.pk).archived_at is None


# --- Channels ------------------------------------------------------------------------------------


def test_the_channels_page_says_who_publishes_and_who_answers(
    melhus: Tenant, scene: Scene, django_assert_max_num_queries: Queries
) -> None:
    with in_schema(melhus.schema_name):
        for number in range(5):
            extra = Channel.objects.create(name=f"Kanal {number}")
            extra.publishing_groups.add(scene.home_care)
            extra.answering_groups.add(scene.volunteers)
    client = web_client(melhus, scene.admin)

    with django_assert_max_num_queries(14):
        response = client.get("/manage/channels/")
    page = _page(response)

    assert response.status_code == 200
    assert re.search(
        r"Published by:</strong> Hjemmetjenesten\s*<span aria-hidden=\"true\">→</span>\s*"
        r"<strong>Answered by:</strong> Frivillige",
        page,
    )
    matrix = page[page.index("Groups and the channels") :]
    assert re.search(r"Hjemmetjenesten</th>(<td>publishes</td>){6}", matrix)
    assert re.search(r"Frivillige</th>(<td>answers</td>){6}", matrix)
    assert "Create the channel" in page


def test_a_leader_sees_their_groups_channels_without_the_form(melhus: Tenant, scene: Scene) -> None:
    with in_schema(melhus.schema_name):
        Channel.objects.create(name="Skjult kanal").publishing_groups.add(scene.home_care)
    page = _page(web_client(melhus, scene.leader).get("/manage/channels/"))

    assert "Hjelp i hverdagen" in page
    assert "Skjult kanal" not in page
    assert "Create the channel" not in page


def test_the_admin_creates_a_channel_with_groups_as_checkboxes(melhus: Tenant, scene: Scene) -> None:
    client = web_client(melhus, scene.admin)
    form = _page(client.get("/manage/channels/"))
    assert 'type="checkbox" name="publishing_groups"' in form

    response = client.post(
        "/manage/channels/",
        {
            "name": "Sjakk for alle",
            "publishing_groups": [str(scene.home_care.pk)],
            "answering_groups": [str(scene.volunteers.pk), str(scene.home_care.pk)],
        },
    )

    assert response.status_code == 302
    with in_schema(melhus.schema_name):
        channel = Channel.objects.get(name="Sjakk for alle")
        assert set(channel.answering_groups.values_list("name", flat=True)) == {"Frivillige", "Hjemmetjenesten"}


def test_a_channel_without_groups_is_refused(melhus: Tenant, scene: Scene) -> None:
    response = web_client(melhus, scene.admin).post("/manage/channels/", {"name": "Tom"})

    assert response.status_code == 400
    assert "Choose at least one group." in _page(response)
    with in_schema(melhus.schema_name):
        assert not Channel.objects.filter(name="Tom").exists()


def test_the_admin_edits_and_archives_a_channel(melhus: Tenant, scene: Scene) -> None:
    client = web_client(melhus, scene.admin)
    path = f"/manage/channels/{scene.channel.pk}"

    edited = client.post(
        path,
        {
            "name": "Hverdagshjelp",
            "publishing_groups": [str(scene.home_care.pk)],
            "answering_groups": [str(scene.volunteers.pk)],
        },
    )
    archived = client.post(f"{path}/archive")

    assert edited.status_code == 302
    assert archived.status_code == 302
    with in_schema(melhus.schema_name):
        channel = Channel.objects.get(pk=scene.channel.pk)
        assert channel.name == "Hverdagshjelp"
        assert channel.archived_at is not None


def test_a_leader_may_look_at_a_channel_but_not_change_it(melhus: Tenant, scene: Scene) -> None:
    client = web_client(melhus, scene.leader)

    page = _page(client.get(f"/manage/channels/{scene.channel.pk}"))
    refused = client.post(
        f"/manage/channels/{scene.channel.pk}", {"name": "Mitt", "publishing_groups": [], "answering_groups": []}
    )

    assert "Hjemmetjenesten" in page
    assert "Save the channel" not in page
    assert refused.status_code == 400
    with in_schema(melhus.schema_name):
        assert Channel.objects.get(pk=scene.channel.pk).name == "Hjelp i hverdagen"


# --- Requirements and declarations ---------------------------------------------------------------


def test_requirements_are_listed_by_group_with_legal_basis_and_interval(
    melhus: Tenant, scene: Scene, django_assert_max_num_queries: Queries
) -> None:
    with in_schema(melhus.schema_name):
        Requirement.objects.create(
            group=scene.volunteers, kind=RequirementKind.POLICE_CERTIFICATE, legal_basis="minors", validity_months=36
        )
        Requirement.objects.create(group=scene.home_care, kind=RequirementKind.TRAINING, training_name="Førstehjelp")
        do_create_declaration(actor=scene.admin, title="Taushetserklæring", text="Jeg lover å tie.")
    client = web_client(melhus, scene.admin)

    with django_assert_max_num_queries(12):
        response = client.get("/manage/requirements/")
    page = _page(response)

    assert "contact with minors" in page
    assert "every 36 months" in page
    assert "Training: Førstehjelp" in page
    assert "counts for good" in page
    assert "Taushetserklæring" in page
    assert "Version 1" in page
    # a leader sees their own group's requirements only, and no form to create a declaration
    leader_page = _page(web_client(melhus, scene.leader).get("/manage/requirements/"))
    assert "contact with minors" in leader_page
    assert "Førstehjelp" not in leader_page
    assert "Publish the declaration" not in leader_page


def test_the_admin_creates_a_declaration_and_publishes_a_new_version(melhus: Tenant, scene: Scene) -> None:
    client = web_client(melhus, scene.admin)

    created = client.post("/manage/declarations/new", {"title": "Taushetserklæring", "text": "Jeg lover å tie."})
    with in_schema(melhus.schema_name):
        declaration = Declaration.objects.get(title="Taushetserklæring")
    assert created.status_code == 302
    assert created["Location"] == f"/manage/declarations/{declaration.pk}"

    same = client.post(created["Location"], {"text": "Jeg lover å tie.", "grace_days": "30"})
    published = client.post(created["Location"], {"text": "Jeg lover å tie, også etterpå.", "grace_days": "14"})

    assert same.status_code == 400
    assert "The text is the same as the current version's." in _page(same)
    assert published.status_code == 302
    with in_schema(melhus.schema_name):
        newest = DeclarationVersion.objects.filter(declaration=declaration).order_by("-number").first()
        assert newest is not None
        assert newest.number == 2
        assert newest.resign_deadline == timezone.localdate() + timedelta(days=14)
    page = _page(client.get(created["Location"]))
    assert "Version 2" in page
    assert "Version 1" in page


def test_a_declaration_without_text_is_refused(melhus: Tenant, scene: Scene) -> None:
    response = web_client(melhus, scene.admin).post("/manage/declarations/new", {"title": "Tom", "text": "  "})

    assert response.status_code == 400
    with in_schema(melhus.schema_name):
        assert not Declaration.objects.exists()


def test_a_leader_cannot_publish_a_declaration_version(melhus: Tenant, scene: Scene) -> None:
    with in_schema(melhus.schema_name):
        declaration = do_create_declaration(actor=scene.admin, title="Taushet", text="Tekst")
    client = web_client(melhus, scene.leader)

    page = _page(client.get(f"/manage/declarations/{declaration.pk}"))
    refused = client.post(f"/manage/declarations/{declaration.pk}", {"text": "Ny tekst", "grace_days": "30"})

    assert "Tekst" in page
    assert "Publish the new version" not in page
    assert refused.status_code == 400
    with in_schema(melhus.schema_name):
        assert DeclarationVersion.objects.filter(declaration=declaration).count() == 1
