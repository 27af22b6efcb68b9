"""The qualification endpoints: who may read and write what, 400s with field messages, isolation, query counts."""

from datetime import timedelta

import pytest
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from core.accounts.models import User
from core.groups.models import Group, Membership, MembershipStatus, Role, Visibility
from core.qualification.models import (
    Declaration,
    DeclarationSignature,
    PoliceCertificateRecord,
    Requirement,
    RequirementKind,
)
from core.qualification.selectors import current_version
from core.qualification.services import do_add_requirement, do_create_declaration, do_record_police_certificate
from tenants.models import Tenant
from tests.conftest import Api, in_schema
from tests.core.qualification.conftest import police_requirement
from tests.factories import UserFactory, api_token_for, make_group, make_member

pytestmark = pytest.mark.django_db


# --- Requirements ------------------------------------------------------------------------------------------------


def test_members_see_a_groups_requirements_with_the_legal_basis(
    melhus: Tenant, group: Group, leader: User, declaration: Declaration
) -> None:
    police_requirement(group, leader)
    do_add_requirement(actor=leader, group=group, kind=RequirementKind.DECLARATION, declaration=declaration)
    member = make_member(group).user

    response = Api(melhus, member).get(f"groups/{group.pk}/requirements")

    assert response.status_code == 200
    rows = response.json()["results"]
    assert [(row["kind"], row["legal_basis"]) for row in rows] == [
        ("police_certificate", "minors"),
        ("declaration", ""),
    ]
    # API answers speak the tenant's language (Melhus: bokmål).
    assert rows[1]["name"] == "Signert erklæring: Taushetserklæring"


def test_a_secret_groups_requirements_do_not_exist_for_outsiders(melhus: Tenant, admin: User) -> None:
    secret = make_group("Hemmelig", visibility=Visibility.SECRET)
    police_requirement(secret, admin)
    api = Api(melhus, UserFactory.create())

    assert api.get(f"groups/{secret.pk}/requirements").status_code == 404
    assert api.post(f"groups/{secret.pk}/requirements", {"kind": "id_verified"}).status_code == 404


def test_requirement_list_has_a_fixed_number_of_queries(
    melhus: Tenant, group: Group, admin: User, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    police_requirement(group, admin)
    for index in range(6):
        declaration = do_create_declaration(actor=admin, title=f"Erklæring {index}", text=f"Tekst {index}")
        do_add_requirement(actor=admin, group=group, kind=RequirementKind.DECLARATION, declaration=declaration)
        do_add_requirement(actor=admin, group=group, kind=RequirementKind.TRAINING, training_name=f"Kurs {index}")
    api = Api(melhus, admin)

    with django_assert_max_num_queries(4):
        response = api.get(f"groups/{group.pk}/requirements")

    assert len(response.json()["results"]) == 13


def test_a_leader_adds_and_removes_a_requirement(melhus: Tenant, group: Group, leader: User) -> None:
    api = Api(melhus, leader)

    created = api.post(
        f"groups/{group.pk}/requirements",
        {"kind": "police_certificate", "legal_basis": "health_and_care", "validity_months": 36},
    )

    assert created.status_code == 201, created.content
    assert created.json()["validity_months"] == 36
    requirement_id = created.json()["id"]
    assert api.delete(f"requirements/{requirement_id}").status_code == 204
    assert not Requirement.objects.filter(pk=requirement_id).exists()


def test_a_police_certificate_requirement_without_legal_basis_is_a_400_and_stores_nothing(
    melhus: Tenant, group: Group, admin: User
) -> None:
    api = Api(melhus, admin)

    missing = api.post(f"groups/{group.pk}/requirements", {"kind": "police_certificate"})
    other = api.post(f"groups/{group.pk}/requirements", {"kind": "police_certificate", "legal_basis": "other"})
    unknown = api.post(f"groups/{group.pk}/requirements", {"kind": "police_certificate", "legal_basis": "curiosity"})

    assert missing.status_code == 400
    assert missing.json() == {"legal_basis": ["Du kan bare be om politiattest når det finnes et rettslig grunnlag."]}
    assert other.status_code == 400
    assert list(other.json()) == ["legal_reference"]
    assert unknown.status_code == 400
    assert list(unknown.json()) == ["legal_basis"]
    assert not Requirement.objects.filter(group=group).exists()


def test_members_cannot_add_or_remove_requirements(melhus: Tenant, group: Group, admin: User) -> None:
    requirement = police_requirement(group, admin)
    api = Api(melhus, make_member(group).user)

    assert api.post(f"groups/{group.pk}/requirements", {"kind": "id_verified"}).status_code == 403
    assert api.delete(f"requirements/{requirement.pk}").status_code == 403
    assert Requirement.objects.filter(group=group).count() == 1


# --- Declarations ------------------------------------------------------------------------------------------------


def test_admins_create_and_publish_declarations_and_everyone_reads_them(
    melhus: Tenant, group: Group, admin: User, leader: User
) -> None:
    as_admin, as_leader = Api(melhus, admin), Api(melhus, leader)

    assert as_leader.post("declarations", {"title": "Erklæring", "text": "Tekst"}).status_code == 403
    created = as_admin.post("declarations", {"title": "Erklæring", "text": "Første tekst\n"})
    assert created.status_code == 201
    declaration_id = created.json()["id"]
    assert created.json()["current_version"] == 1

    assert as_leader.post(f"declarations/{declaration_id}/versions", {"text": "Ny tekst\n"}).status_code == 403
    published = as_admin.post(f"declarations/{declaration_id}/versions", {"text": "Andre tekst\n", "grace_days": 14})
    assert published.status_code == 201
    assert published.json()["number"] == 2
    assert published.json()["resign_deadline"] == str(timezone.localdate() + timedelta(days=14))

    detail = as_leader.get(f"declarations/{declaration_id}").json()
    assert detail["version"]["text"] == "Andre tekst\n"
    assert detail["signed_current_version"] is False
    versions = as_leader.get(f"declarations/{declaration_id}/versions").json()["results"]
    assert [version["number"] for version in versions] == [2, 1]
    assert as_leader.get("declarations").json()["results"][0]["current_version"] == 2


def test_declaration_list_has_a_fixed_number_of_queries(
    melhus: Tenant, admin: User, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    for index in range(8):
        do_create_declaration(actor=admin, title=f"Erklæring {index}", text=f"Tekst {index}")
    api = Api(melhus, admin)

    with django_assert_max_num_queries(3):
        response = api.get("declarations")
    with django_assert_max_num_queries(5):
        versions = api.get(f"declarations/{Declaration.objects.first().pk}/versions")  # type: ignore[union-attr]

    assert len(response.json()["results"]) == 8
    assert len(versions.json()["results"]) == 1


def test_a_member_signs_the_text_they_were_shown(melhus: Tenant, declaration: Declaration) -> None:
    person = UserFactory.create()
    api = Api(melhus, person)
    shown = api.get(f"declarations/{declaration.pk}").json()["version"]

    signed = api.post(
        f"declarations/{declaration.pk}/sign",
        {"version": shown["number"], "full_name": "Ola Berg", "consent": True, "text_sha256": shown["sha256"]},
    )

    assert signed.status_code == 201, signed.content
    signature = DeclarationSignature.objects.get(user=person)
    assert (signature.full_name, signature.ip) == ("Ola Berg", "127.0.0.1")
    assert api.get(f"declarations/{declaration.pk}").json()["signed_current_version"] is True


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"text_sha256": "0" * 64}, "text_sha256"),
        ({"consent": False}, "consent"),
        ({"full_name": ""}, "full_name"),
        ({"version": 7}, "version"),
    ],
)
def test_a_bad_signature_is_a_400_with_the_field_and_nothing_is_signed(
    melhus: Tenant, declaration: Declaration, changes: dict[str, object], field: str
) -> None:
    person = UserFactory.create()
    version = current_version(declaration=declaration)
    body = {"version": 1, "full_name": "Ola Berg", "consent": True, "text_sha256": version.sha256, **changes}

    response = Api(melhus, person).post(f"declarations/{declaration.pk}/sign", body)

    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert not DeclarationSignature.objects.filter(user=person).exists()


# --- Checklists and checks -------------------------------------------------------------------------------------


def test_leaders_and_the_member_see_the_checklist_others_do_not(
    melhus: Tenant, group: Group, leader: User, applicant: Membership, declaration: Declaration
) -> None:
    police_requirement(group, leader)
    do_add_requirement(actor=leader, group=group, kind=RequirementKind.DECLARATION, declaration=declaration)
    path = f"memberships/{applicant.pk}/checklist"

    as_leader = Api(melhus, leader).get(path)
    as_member = Api(melhus, applicant.user).get(path)
    as_other = Api(melhus, make_member(group).user).get(path)

    assert as_leader.status_code == as_member.status_code == 200
    assert as_leader.json()["qualified"] is False
    assert [(item["kind"], item["met"], item["state"]) for item in as_leader.json()["items"]] == [
        ("police_certificate", False, "missing"),
        ("declaration", False, "missing"),
    ]
    assert as_other.status_code == 404


def test_checklist_has_a_fixed_number_of_queries(
    melhus: Tenant,
    group: Group,
    admin: User,
    applicant: Membership,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    police_requirement(group, admin)
    do_add_requirement(actor=admin, group=group, kind=RequirementKind.MINIMUM_AGE, min_age_years=18)
    do_add_requirement(actor=admin, group=group, kind=RequirementKind.ID_VERIFIED)
    for index in range(5):
        declaration = do_create_declaration(actor=admin, title=f"Erklæring {index}", text=f"Tekst {index}")
        do_add_requirement(actor=admin, group=group, kind=RequirementKind.DECLARATION, declaration=declaration)
        do_add_requirement(actor=admin, group=group, kind=RequirementKind.TRAINING, training_name=f"Kurs {index}")
        do_add_requirement(actor=admin, group=group, kind=RequirementKind.CUSTOM, title=f"Krav {index}")
    api = Api(melhus, admin)

    with django_assert_max_num_queries(11):
        response = api.get(f"memberships/{applicant.pk}/checklist")

    assert len(response.json()["items"]) == 18


def test_a_leader_records_checks_through_the_api(
    melhus: Tenant, group: Group, leader: User, applicant: Membership
) -> None:
    today = timezone.localdate()
    police = police_requirement(group, leader)
    training = do_add_requirement(actor=leader, group=group, kind=RequirementKind.TRAINING, training_name="Kurs")
    id_check = do_add_requirement(actor=leader, group=group, kind=RequirementKind.ID_VERIFIED)
    custom = do_add_requirement(actor=leader, group=group, kind=RequirementKind.CUSTOM, title="Samtale")
    api = Api(melhus, leader)
    base = f"memberships/{applicant.pk}/checks"

    responses = [
        api.post(
            f"{base}/police-certificate",
            {"requirement": str(police.pk), "shown_on": str(today), "issued_on": str(today - timedelta(days=10))},
        ),
        api.post(f"{base}/training", {"requirement": str(training.pk), "completed_on": str(today)}),
        api.post(
            f"{base}/id",
            {"requirement": str(id_check.pk), "method": "eid", "verified_on": str(today), "birth_date": "1990-05-17"},
        ),
        api.post(f"{base}/custom", {"requirement": str(custom.pk), "confirmed_on": str(today)}),
    ]

    assert [response.status_code for response in responses] == [201, 201, 201, 201]
    checklist = api.get(f"memberships/{applicant.pk}/checklist").json()
    assert all(item["met"] for item in checklist["items"])
    applicant.user.refresh_from_db()
    assert str(applicant.user.birth_date) == "1990-05-17"


def test_bad_check_input_is_a_400_with_field_messages_and_changes_nothing(
    melhus: Tenant, group: Group, leader: User, applicant: Membership
) -> None:
    today = timezone.localdate()
    police = police_requirement(group, leader)
    training = do_add_requirement(actor=leader, group=group, kind=RequirementKind.TRAINING, training_name="Kurs")
    api = Api(melhus, leader)
    path = f"memberships/{applicant.pk}/checks/police-certificate"

    future = api.post(
        path, {"requirement": str(police.pk), "shown_on": str(today + timedelta(days=2)), "issued_on": str(today)}
    )
    stale = api.post(
        path, {"requirement": str(police.pk), "shown_on": str(today), "issued_on": str(today - timedelta(days=200))}
    )
    wrong_kind = api.post(path, {"requirement": str(training.pk), "shown_on": str(today), "issued_on": str(today)})
    no_date = api.post(path, {"requirement": str(police.pk), "shown_on": "yesterday", "issued_on": str(today)})

    assert (future.status_code, list(future.json())) == (400, ["shown_on"])
    assert (stale.status_code, list(stale.json())) == (400, ["issued_on"])
    assert (wrong_kind.status_code, list(wrong_kind.json())) == (400, ["requirement"])
    assert (no_date.status_code, list(no_date.json())) == (400, ["shown_on"])
    assert not PoliceCertificateRecord.objects.exists()


def test_members_cannot_record_checks_not_even_their_own(
    melhus: Tenant, group: Group, leader: User, applicant: Membership
) -> None:
    today = str(timezone.localdate())
    police = police_requirement(group, leader)
    body = {"requirement": str(police.pk), "shown_on": today, "issued_on": today}

    own = Api(melhus, applicant.user).post(f"memberships/{applicant.pk}/checks/police-certificate", body)
    other = Api(melhus, make_member(group).user).post(f"memberships/{applicant.pk}/checks/police-certificate", body)

    assert own.status_code == 403
    assert other.status_code == 404
    assert not PoliceCertificateRecord.objects.exists()


def test_a_person_declares_their_own_birth_date(melhus: Tenant, in_melhus: Tenant) -> None:
    person = UserFactory.create()
    api = Api(melhus, person)

    saved = api.put("me/birth-date", {"birth_date": "2001-02-03"})
    future = api.put("me/birth-date", {"birth_date": str(timezone.localdate() + timedelta(days=1))})

    assert saved.status_code == 200
    assert saved.json() == {"birth_date": "2001-02-03"}
    assert (future.status_code, list(future.json())) == (400, ["birth_date"])
    person.refresh_from_db()
    assert str(person.birth_date) == "2001-02-03"


# --- Isolation ---------------------------------------------------------------------------------------------------


def test_red_cross_cannot_read_or_record_melhus_checks(
    melhus: Tenant, group: Group, leader: User, applicant: Membership, declaration: Declaration
) -> None:
    red_cross = Tenant.objects.get(slug="red-cross")
    # Given Melhus' group with a police-certificate requirement and a recorded check...
    today = timezone.localdate()
    police = police_requirement(group, leader)
    do_record_police_certificate(
        actor=leader, membership=applicant, requirement=police, shown_on=today, issued_on=today
    )
    melhus_paths = {
        "requirements": f"groups/{group.pk}/requirements",
        "requirement": f"requirements/{police.pk}",
        "declaration": f"declarations/{declaration.pk}",
        "versions": f"declarations/{declaration.pk}/versions",
        "sign": f"declarations/{declaration.pk}/sign",
        "checklist": f"memberships/{applicant.pk}/checklist",
        "police": f"memberships/{applicant.pk}/checks/police-certificate",
    }
    body = {"requirement": str(police.pk), "shown_on": str(today), "issued_on": str(today), "kind": "id_verified"}
    # ...and an admin and a leader of Red Cross, with their own tokens.
    with in_schema(red_cross.schema_name):
        rc_admin = UserFactory.create(is_tenant_admin=True)
        rc_group = make_group("Besøkstjenesten")
        rc_leader = make_member(rc_group, role=Role.LEADER).user
        tokens = [api_token_for(rc_admin), api_token_for(rc_leader)]

    for token in tokens:
        on_melhus, on_red_cross = Api(melhus, token=token), Api(red_cross, token=token)
        for name, path in melhus_paths.items():
            # Their token means nothing on Melhus' host...
            assert on_melhus.get(path).status_code == 401, name
            assert on_melhus.post(path, body).status_code == 401, name
            assert on_melhus.delete(path).status_code == 401, name
            # ...and Melhus' ids mean nothing on their own host.
            assert on_red_cross.get(path).status_code in (404, 405), name
            assert on_red_cross.post(path, body).status_code in (404, 405), name
            assert on_red_cross.delete(path).status_code in (404, 405), name
        # Red Cross' own lists show nothing of Melhus.
        assert on_red_cross.get("declarations").json()["results"] == []

    # Melhus' data is unchanged.
    assert PoliceCertificateRecord.objects.filter(membership=applicant).count() == 1
    assert Requirement.objects.filter(group=group).count() == 1
    assert not DeclarationSignature.objects.exists()
    assert Membership.objects.get(pk=applicant.pk).status == MembershipStatus.APPLIED
