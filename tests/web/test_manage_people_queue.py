"""Management pages about people: the applicant queue and checks, members, clients, and tenant isolation."""

import html
import re
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from core.accounts.models import User
from core.audit.models import AuditEvent
from core.clients.models import Client
from core.groups.models import Channel, Invitation, Membership, MembershipStatus, Purpose, Role
from core.qualification.models import (
    Declaration,
    PoliceCertificateRecord,
    Requirement,
    RequirementKind,
    TrainingRecord,
)
from core.qualification.services import do_create_declaration
from tenants.models import Tenant
from tests.conftest import host_client, in_schema
from tests.core.requests.conftest import Scene, build_scene
from tests.factories import UserFactory, make_group, make_member
from tests.web.conftest import web_client

pytestmark = pytest.mark.django_db

Queries = Callable[..., Any]


def _page(response: Any) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def scene(melhus: Tenant) -> Scene:
    with in_schema(melhus.schema_name):
        return build_scene()


def _apply(group: Any, name: str, *, days_ago: int = 0) -> Membership:
    membership = make_member(group, UserFactory.create(name=name, language="en"), status=MembershipStatus.APPLIED)
    membership.applied_at = timezone.now() - timedelta(days=days_ago)
    membership.save(update_fields=["applied_at"])
    return membership


@pytest.fixture
def applicant(melhus: Tenant, scene: Scene) -> Membership:
    """Anna applies to the volunteers, who ask for a police certificate (re-checked every three years)."""
    with in_schema(melhus.schema_name):
        Requirement.objects.create(
            group=scene.volunteers, kind=RequirementKind.POLICE_CERTIFICATE, legal_basis="minors", validity_months=36
        )
        return _apply(scene.volunteers, "Anna Applicant", days_ago=2)


# --- The applicant queue -------------------------------------------------------------------------


def test_the_queue_lists_applicants_oldest_first_for_the_groups_i_manage(
    melhus: Tenant, scene: Scene, django_assert_max_num_queries: Queries
) -> None:
    # Given applicants to the volunteers (the leader's group) and to home care (not theirs)
    with in_schema(melhus.schema_name):
        _apply(scene.volunteers, "Newest Volunteer", days_ago=1)
        _apply(scene.volunteers, "Oldest Volunteer", days_ago=9)
        _apply(scene.home_care, "Home Care Applicant", days_ago=5)
        for number in range(30):
            _apply(scene.volunteers, f"Zz {number:02}")

    # When the leader and the admin open the queue
    leader = web_client(melhus, scene.leader)
    with django_assert_max_num_queries(10):
        leader_page = _page(leader.get("/manage/applicants/"))
    admin_page = _page(web_client(melhus, scene.admin).get("/manage/applicants/"))

    # Then the oldest comes first, the leader sees only their group, and the list is paginated
    assert leader_page.index("Oldest Volunteer") < leader_page.index("Newest Volunteer")
    assert "Home Care Applicant" not in leader_page
    assert "Page 1 of 2" in leader_page
    assert admin_page.index("Oldest Volunteer") < admin_page.index("Home Care Applicant")


def test_an_applicants_checklist_shows_what_is_missing(melhus: Tenant, scene: Scene, applicant: Membership) -> None:
    response = web_client(melhus, scene.leader).get(f"/manage/applicants/{applicant.pk}")
    page = _page(response)

    assert response.status_code == 200
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert len(ids) == len(set(ids))
    assert "Anna Applicant" in page
    assert "Police certificate" in page
    assert "Missing" in page
    assert 'type="date"' in page
    assert "1 requirement" in page or "One requirement is not met yet" in page


def test_approving_with_a_missing_check_is_refused_with_the_services_message(
    melhus: Tenant, scene: Scene, applicant: Membership
) -> None:
    response = web_client(melhus, scene.leader).post(f"/manage/applicants/{applicant.pk}/approve")

    assert response.status_code == 400
    assert "police certificate: not recorded yet" in _page(response)
    with in_schema(melhus.schema_name):
        assert Membership.objects.get(pk=applicant.pk).status == MembershipStatus.APPLIED


def test_recording_a_police_certificate_then_approving(melhus: Tenant, scene: Scene, applicant: Membership) -> None:
    # Given the applicant's checklist
    client = web_client(melhus, scene.leader)
    with in_schema(melhus.schema_name):
        requirement = Requirement.objects.get(group=scene.volunteers)
    prefix = f"r{requirement.pk.hex[:12]}"
    today = timezone.localdate()

    # When the leader records the certificate shown today, issued a month ago, and approves
    recorded = client.post(
        f"/manage/applicants/{applicant.pk}/checks/{requirement.pk}",
        {f"{prefix}-shown_on": today.isoformat(), f"{prefix}-issued_on": (today - timedelta(days=30)).isoformat()},
    )
    approved = client.post(f"/manage/applicants/{applicant.pk}/approve")

    # Then only the dates and the checker are kept, audited, and Anna is a member
    assert recorded.status_code == 302
    assert approved.status_code == 302
    assert approved["Location"] == "/manage/applicants/"
    with in_schema(melhus.schema_name):
        record = PoliceCertificateRecord.objects.get(membership=applicant)
        assert (record.shown_on, record.checked_by_id) == (today, scene.leader.pk)
        assert record.expires_on == date(today.year + 3, today.month, today.day) or record.expires_on is not None
        assert AuditEvent.objects.filter(action="qualification.police_certificate_checked").exists()
        assert Membership.objects.get(pk=applicant.pk).status == MembershipStatus.APPROVED


def test_a_certificate_shown_in_the_future_is_refused_and_nothing_is_kept(
    melhus: Tenant, scene: Scene, applicant: Membership
) -> None:
    with in_schema(melhus.schema_name):
        requirement = Requirement.objects.get(group=scene.volunteers)
    prefix = f"r{requirement.pk.hex[:12]}"
    tomorrow = timezone.localdate() + timedelta(days=1)

    response = web_client(melhus, scene.leader).post(
        f"/manage/applicants/{applicant.pk}/checks/{requirement.pk}",
        {f"{prefix}-shown_on": tomorrow.isoformat(), f"{prefix}-issued_on": tomorrow.isoformat()},
    )

    assert response.status_code == 400
    assert "The date cannot be in the future." in _page(response)
    with in_schema(melhus.schema_name):
        assert not PoliceCertificateRecord.objects.exists()


def test_training_and_minimum_age_are_recorded_from_the_checklist(melhus: Tenant, scene: Scene) -> None:
    with in_schema(melhus.schema_name):
        training = Requirement.objects.create(
            group=scene.volunteers, kind=RequirementKind.TRAINING, training_name="Førstehjelp"
        )
        age = Requirement.objects.create(group=scene.volunteers, kind=RequirementKind.MINIMUM_AGE, min_age_years=18)
        membership = _apply(scene.volunteers, "Ung Søker")
    client = web_client(melhus, scene.leader)
    path = f"/manage/applicants/{membership.pk}/checks"

    trained = client.post(
        f"{path}/{training.pk}", {f"r{training.pk.hex[:12]}-completed_on": timezone.localdate().isoformat()}
    )
    born = client.post(f"{path}/{age.pk}", {f"r{age.pk.hex[:12]}-birth_date": "1990-05-17"})

    assert (trained.status_code, born.status_code) == (302, 302)
    with in_schema(melhus.schema_name):
        assert TrainingRecord.objects.filter(membership=membership).exists()
        assert User.objects.get(pk=membership.user_id).birth_date == date(1990, 5, 17)


def test_rejecting_keeps_the_note_for_the_leaders(melhus: Tenant, scene: Scene, applicant: Membership) -> None:
    response = web_client(melhus, scene.leader).post(
        f"/manage/applicants/{applicant.pk}/reject", {"notes": "Ingen politiattest."}
    )

    assert response.status_code == 302
    with in_schema(melhus.schema_name):
        membership = Membership.objects.get(pk=applicant.pk)
        assert membership.status == MembershipStatus.REJECTED
        assert membership.leader_notes == "Ingen politiattest."


def test_a_leader_gets_404_for_an_applicant_to_another_group(melhus: Tenant, scene: Scene) -> None:
    with in_schema(melhus.schema_name):
        other = _apply(scene.home_care, "Not Yours")
    client = web_client(melhus, scene.leader)

    assert client.get(f"/manage/applicants/{other.pk}").status_code == 404
    assert client.post(f"/manage/applicants/{other.pk}/approve").status_code == 404
    with in_schema(melhus.schema_name):
        assert Membership.objects.get(pk=other.pk).status == MembershipStatus.APPLIED


# --- Members -------------------------------------------------------------------------------------


def test_members_are_filtered_by_group_role_and_status(
    melhus: Tenant, scene: Scene, django_assert_max_num_queries: Queries
) -> None:
    with in_schema(melhus.schema_name):
        _apply(scene.volunteers, "Anna Applicant")
        for number in range(30):
            make_member(scene.volunteers, UserFactory.create(name=f"Zz {number:02}"))
    client = web_client(melhus, scene.admin)

    with django_assert_max_num_queries(12):
        everyone = _page(client.get("/manage/members/"))
    staff = _page(client.get(f"/manage/members/?role=staff&group={scene.home_care.pk}"))
    applied = _page(client.get("/manage/members/?status=applied"))

    assert "Nina Nurse" in everyone
    assert "Page 1 of 2" in everyone
    assert "Nina Nurse" in staff
    assert "Otto Nurse" in staff
    assert "Vera Volunteer" not in staff
    assert "Anna Applicant" in applied
    assert "Vera Volunteer" not in applied
    assert 'href="?status=applied&amp;page=2"' not in applied  # one page only
    assert "page=2" in everyone


def test_a_leader_sees_only_the_members_of_their_groups(melhus: Tenant, scene: Scene) -> None:
    client = web_client(melhus, scene.leader)

    page = _page(client.get("/manage/members/"))

    assert "Vera Volunteer" in page
    assert "Nina Nurse" not in page
    assert client.get(f"/manage/members/{scene.nurse.pk}").status_code == 404


def test_the_member_search_is_a_post_so_names_and_numbers_stay_out_of_urls(melhus: Tenant, scene: Scene) -> None:
    client = web_client(melhus, scene.admin)
    with in_schema(melhus.schema_name):
        phone_tail = User.objects.get(pk=scene.volunteer.pk).phone[-4:]

    page = _page(client.get("/manage/members/"))
    by_name = client.post("/manage/members/", {"query": "vera"})
    by_phone = client.post("/manage/members/", {"query": phone_tail})
    empty = client.post("/manage/members/", {"query": ""})

    assert re.search(r'<form method="post" action="/manage/members/"[^>]*role="search"', page)
    assert by_name.status_code == 200
    assert "Vera Volunteer" in _page(by_name)
    assert "Nina Nurse" not in _page(by_name)
    assert "Vera Volunteer" in _page(by_phone)
    assert empty.status_code == 400


def test_the_member_page_shows_memberships_checks_and_expiry(melhus: Tenant, scene: Scene) -> None:
    today = timezone.localdate()
    with in_schema(melhus.schema_name):
        requirement = Requirement.objects.create(
            group=scene.volunteers, kind=RequirementKind.POLICE_CERTIFICATE, legal_basis="minors", validity_months=12
        )
        membership = Membership.objects.get(group=scene.volunteers, user=scene.volunteer)
        PoliceCertificateRecord.objects.create(
            membership=membership,
            requirement=requirement,
            shown_on=today,
            issued_on=today,
            checked_by=scene.leader,
            expires_on=today + timedelta(days=365),
        )
    response = web_client(melhus, scene.leader).get(f"/manage/members/{scene.volunteer.pk}")
    page = _page(response)

    assert response.status_code == 200
    assert "Frivillige" in page
    assert "Done" in page
    assert (today + timedelta(days=365)).strftime("%-d %b %Y") in page
    assert "Admin of the site" not in page


def test_the_admin_makes_and_unmakes_a_tenant_admin(melhus: Tenant, scene: Scene) -> None:
    client = web_client(melhus, scene.admin)
    path = f"/manage/members/{scene.volunteer.pk}/admin"

    made = client.post(path, {"is_admin": "on"})
    with in_schema(melhus.schema_name):
        assert User.objects.get(pk=scene.volunteer.pk).is_tenant_admin
    unmade = client.post(path, {"is_admin": ""})
    last = client.post(f"/manage/members/{scene.admin.pk}/admin", {"is_admin": ""})

    assert (made.status_code, unmade.status_code) == (302, 302)
    assert last.status_code == 400
    assert "The tenant must keep at least one admin." in _page(last)
    with in_schema(melhus.schema_name):
        assert not User.objects.get(pk=scene.volunteer.pk).is_tenant_admin
        assert User.objects.get(pk=scene.admin.pk).is_tenant_admin


def test_a_leader_cannot_make_an_admin(melhus: Tenant, scene: Scene) -> None:
    response = web_client(melhus, scene.leader).post(f"/manage/members/{scene.volunteer.pk}/admin", {"is_admin": "on"})

    assert response.status_code == 400
    with in_schema(melhus.schema_name):
        assert not User.objects.get(pk=scene.volunteer.pk).is_tenant_admin


# --- Clients -------------------------------------------------------------------------------------


def test_staff_list_the_clients_they_keep_without_contact_details(
    melhus: Tenant, scene: Scene, django_assert_max_num_queries: Queries
) -> None:
    with in_schema(melhus.schema_name):
        for number in range(30):
            Client.objects.create(
                group=scene.home_care,
                name=f"Zz Klient {number:02}",
                address="Hemmelig vei 1",
                consent_method="verbal",
                consent_date="2026-01-01",
            )
    client = web_client(melhus, scene.nurse)

    with django_assert_max_num_queries(12):
        response = client.get("/manage/clients/")
    page = _page(response)

    assert response.status_code == 200
    assert "Kari Klient" in page
    assert "Storgata" not in page
    assert "Hemmelig vei" not in page
    assert "+4791111111" not in page
    assert "+47 91 11 11 11" not in page
    assert "Page 1 of 2" in page


def test_a_leader_of_a_resource_group_keeps_no_clients(melhus: Tenant, scene: Scene) -> None:
    assert web_client(melhus, scene.leader).get("/manage/clients/").status_code == 403


def test_the_client_page_shows_contact_details_and_logs_the_view(melhus: Tenant, scene: Scene) -> None:
    response = web_client(melhus, scene.nurse).get(f"/manage/clients/{scene.client.pk}")
    page = _page(response)

    assert response.status_code == 200
    assert "Storgata 1, 7224 Melhus" in page
    # Written the way people read a number.
    assert "+47 91 11 11 11" in page
    with in_schema(melhus.schema_name):
        assert AuditEvent.objects.filter(
            action="client.contact_viewed", target_id=str(scene.client.pk), actor=scene.nurse
        ).exists()


def test_staff_add_a_client(melhus: Tenant, scene: Scene) -> None:
    response = web_client(melhus, scene.nurse).post(
        "/manage/clients/",
        {
            "group": str(scene.home_care.pk),
            "name": "Per Klient",
            "phone": "913 33 333",
            "address": "Kirkeveien 2",
            "consent_method": "written",
            "consent_date": timezone.localdate().isoformat(),
        },
    )

    with in_schema(melhus.schema_name):
        created = Client.objects.get(name="Per Klient")
        assert created.phone == "+4791333333"
        assert AuditEvent.objects.filter(action="client.created", target_id=str(created.pk)).exists()
    assert response.status_code == 302
    assert response["Location"] == f"/manage/clients/{created.pk}"
    assert "Per" not in response["Location"]


def test_a_client_with_bad_input_is_refused_and_nothing_changes(melhus: Tenant, scene: Scene) -> None:
    tomorrow = timezone.localdate() + timedelta(days=1)

    response = web_client(melhus, scene.nurse).post(
        "/manage/clients/",
        {
            "group": str(scene.home_care.pk),
            "name": "Ola Klient",
            "phone": "12",
            "consent_method": "written",
            "consent_date": tomorrow.isoformat(),
        },
    )
    page = _page(response)

    assert response.status_code == 400
    assert "error-summary" in page
    assert "The date the client agreed cannot be in the future." in page
    with in_schema(melhus.schema_name):
        assert not Client.objects.filter(name="Ola Klient").exists()


def test_staff_change_and_archive_a_client(melhus: Tenant, scene: Scene) -> None:
    client = web_client(melhus, scene.nurse)
    path = f"/manage/clients/{scene.client.pk}"

    changed = client.post(
        path,
        {
            "name": "Kari Klient",
            "phone": "",
            "address": "Nygata 3",
            "notes": "",
            "consent_method": "written",
            "consent_date": "2026-01-01",
        },
    )
    archived = client.post(f"{path}/archive")

    assert (changed.status_code, archived.status_code) == (302, 302)
    with in_schema(melhus.schema_name):
        record = Client.objects.get(pk=scene.client.pk)
        assert record.address == "Nygata 3"
        assert record.archived_at is not None
    assert client.get(path).status_code == 404


# --- Tenant isolation ----------------------------------------------------------------------------


def _red_cross_rows(red_cross: Tenant) -> dict[str, Any]:
    with in_schema(red_cross.schema_name):
        admin = UserFactory.create(name="Rita Red", is_tenant_admin=True, language="en")
        need = make_group("Røde Kors hjemme", purpose=Purpose.NEED)
        helpers = make_group("Røde Kors frivillige")
        channel = Channel.objects.create(name="Røde Kors kanal")
        channel.publishing_groups.add(need)
        channel.answering_groups.add(helpers)
        staff = make_member(need, UserFactory.create(name="Rune Staff"), role=Role.STAFF)
        applied = make_member(helpers, UserFactory.create(name="Randi Applicant"), status=MembershipStatus.APPLIED)
        requirement = Requirement.objects.create(group=helpers, kind=RequirementKind.ID_VERIFIED)
        declaration = do_create_declaration(actor=admin, title="Røde Kors taushet", text="Tekst")
        client = Client.objects.create(
            group=need, name="Rolf Klient", address="Røde vei 1", consent_method="verbal", consent_date="2026-01-01"
        )
        invitation = Invitation.objects.create(
            token_hash="x" * 64, role="member", group=helpers, phone="+4790000000", expires_at=timezone.now()
        )
        return {
            "admin": admin,
            "group": need,
            "channel": channel,
            "membership": applied,
            "staff": staff,
            "requirement": requirement,
            "declaration": declaration,
            "client": client,
            "invitation": invitation,
        }


def test_melhus_pages_answer_404_for_every_red_cross_id(melhus: Tenant, red_cross: Tenant, scene: Scene) -> None:
    # Given Red Cross rows of every kind the pages address
    rows = _red_cross_rows(red_cross)
    client = web_client(melhus, scene.admin)
    gets = [
        f"/manage/groups/{rows['group'].pk}",
        f"/manage/channels/{rows['channel'].pk}",
        f"/manage/declarations/{rows['declaration'].pk}",
        f"/manage/applicants/{rows['membership'].pk}",
        f"/manage/members/{rows['admin'].pk}",
        f"/manage/clients/{rows['client'].pk}",
    ]
    posts = [
        *(path for path in gets if "/applicants/" not in path and "/members/" not in path),
        f"/manage/groups/{rows['group'].pk}/archive",
        f"/manage/groups/{rows['group'].pk}/requirements",
        f"/manage/groups/{rows['group'].pk}/invite",
        f"/manage/requirements/{rows['requirement'].pk}/remove",
        f"/manage/invitations/{rows['invitation'].pk}/revoke",
        f"/manage/memberships/{rows['staff'].pk}/role",
        f"/manage/memberships/{rows['staff'].pk}/remove",
        f"/manage/channels/{rows['channel'].pk}/archive",
        f"/manage/applicants/{rows['membership'].pk}/checks/{rows['requirement'].pk}",
        f"/manage/applicants/{rows['membership'].pk}/approve",
        f"/manage/applicants/{rows['membership'].pk}/reject",
        f"/manage/members/{rows['admin'].pk}/admin",
        f"/manage/clients/{rows['client'].pk}/archive",
    ]

    # When Melhus' admin asks Melhus' host for them
    answers = {path: client.get(path) for path in gets}
    posted = {path: client.post(path, {"role": "leader", "is_admin": "on", "name": "X"}) for path in posts}

    # Then each is not found, shows nothing of Red Cross, and changes nothing there
    for path, response in {**answers, **posted}.items():
        assert response.status_code == 404, path
        page = _page(response)
        assert not any(word in page for word in ("Røde", "Rolf", "Randi")), path
    with in_schema(red_cross.schema_name):
        assert Membership.objects.get(pk=rows["membership"].pk).status == MembershipStatus.APPLIED
        assert Membership.objects.get(pk=rows["staff"].pk).role == Role.STAFF
        assert Client.objects.get(pk=rows["client"].pk).archived_at is None
        assert Requirement.objects.filter(pk=rows["requirement"].pk).exists()
        assert Declaration.objects.filter(pk=rows["declaration"].pk).exists()
        assert not User.objects.get(pk=rows["admin"].pk).name.startswith("X")


def test_melhus_lists_show_nothing_of_red_cross(melhus: Tenant, red_cross: Tenant, scene: Scene) -> None:
    _red_cross_rows(red_cross)
    client = web_client(melhus, scene.admin)

    for path in (
        "/manage/",
        "/manage/groups/",
        "/manage/channels/",
        "/manage/requirements/",
        "/manage/applicants/",
        "/manage/members/",
        "/manage/clients/",
    ):
        page = _page(client.get(path))
        assert not any(word in page for word in ("Røde", "Rolf", "Randi")), path


def test_a_red_cross_admins_session_is_anonymous_on_melhus(melhus: Tenant, red_cross: Tenant) -> None:
    rows = _red_cross_rows(red_cross)
    red_cross_client = web_client(red_cross, rows["admin"])
    assert red_cross_client.get("/manage/").status_code == 200

    on_melhus = host_client(melhus)
    on_melhus.cookies = red_cross_client.cookies
    response = on_melhus.get("/manage/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
