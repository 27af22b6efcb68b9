"""Requirements: what each kind needs, the legal basis for police certificates, who may set them."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from core.accounts.models import User
from core.audit.models import AuditEvent
from core.groups.models import Group, Role
from core.qualification.models import Declaration, LegalBasis, Requirement, RequirementKind
from core.qualification.services import do_add_requirement, do_remove_requirement
from tenants.models import Tenant
from tests.core.qualification.conftest import make_swedish, police_requirement
from tests.factories import make_member

pytestmark = pytest.mark.django_db


def test_police_certificate_requirement_without_legal_basis_cannot_be_saved(group: Group, admin: User) -> None:
    # When an admin asks for a police certificate without saying why...
    with pytest.raises(ValidationError) as refused:
        do_add_requirement(actor=admin, group=group, kind=RequirementKind.POLICE_CERTIFICATE)

    # ...it is refused with a message on the legal basis, and nothing is stored.
    assert "legal_basis" in refused.value.message_dict
    assert not Requirement.objects.filter(group=group).exists()


def test_other_legal_basis_needs_a_written_reference(group: Group, admin: User) -> None:
    with pytest.raises(ValidationError) as refused:
        police_requirement(group, admin, legal_basis=LegalBasis.OTHER, legal_reference="  ")

    assert "legal_reference" in refused.value.message_dict
    assert not Requirement.objects.filter(group=group).exists()

    # With the reference it is saved.
    saved = police_requirement(
        group, admin, legal_basis=LegalBasis.OTHER, legal_reference="Friv.l. § 39 (lov om frivillighet)"
    )
    assert saved.legal_reference.startswith("Friv.l.")


def test_the_database_itself_refuses_a_police_certificate_requirement_without_basis(group: Group) -> None:
    # Even code that skips the service cannot store one.
    with pytest.raises(IntegrityError), transaction.atomic():
        Requirement.objects.create(group=group, kind=RequirementKind.POLICE_CERTIFICATE)
    with pytest.raises(IntegrityError), transaction.atomic():
        Requirement.objects.create(group=group, kind=RequirementKind.POLICE_CERTIFICATE, legal_basis=LegalBasis.OTHER)


@pytest.mark.parametrize("basis", [LegalBasis.MINORS, LegalBasis.INTELLECTUAL_DISABILITIES, LegalBasis.HEALTH_AND_CARE])
def test_each_listed_legal_basis_is_enough(group: Group, admin: User, basis: LegalBasis) -> None:
    requirement = police_requirement(group, admin, legal_basis=basis)

    assert requirement.legal_basis == basis
    assert AuditEvent.objects.filter(action="qualification.requirement_added", target_id=str(requirement.pk)).exists()


@pytest.mark.parametrize(
    ("kind", "missing"),
    [
        (RequirementKind.DECLARATION, "declaration"),
        (RequirementKind.TRAINING, "training_name"),
        (RequirementKind.MINIMUM_AGE, "min_age_years"),
        (RequirementKind.CUSTOM, "title"),
    ],
)
def test_each_kind_needs_its_own_fields(group: Group, admin: User, kind: str, missing: str) -> None:
    with pytest.raises(ValidationError) as refused:
        do_add_requirement(actor=admin, group=group, kind=kind)

    assert missing in refused.value.message_dict


def test_fields_of_another_kind_are_refused(group: Group, admin: User) -> None:
    with pytest.raises(ValidationError) as refused:
        do_add_requirement(actor=admin, group=group, kind=RequirementKind.TRAINING, training_name="Kurs", title="X")

    assert refused.value.message_dict == {"title": ["Not used by this kind of requirement."]}


def test_a_group_asks_for_a_police_certificate_only_once(group: Group, admin: User) -> None:
    police_requirement(group, admin)

    with pytest.raises(ValidationError):
        police_requirement(group, admin, legal_basis=LegalBasis.HEALTH_AND_CARE)
    assert Requirement.objects.filter(group=group).count() == 1


def test_swedish_group_cannot_accept_extracts_older_than_a_year(melhus: Tenant, group: Group, admin: User) -> None:
    make_swedish(melhus)

    with pytest.raises(ValidationError) as refused:
        police_requirement(group, admin, max_certificate_age_months=18)

    assert "max_certificate_age_months" in refused.value.message_dict
    assert police_requirement(group, admin, max_certificate_age_months=6).max_certificate_age_months == 6


def test_leaders_manage_their_groups_requirements_and_members_do_not(
    group: Group, leader: User, declaration: Declaration
) -> None:
    member = make_member(group).user
    other_leader = make_member(Group.objects.create(name="Annen", purpose="need"), role=Role.LEADER).user

    with pytest.raises(PermissionDenied):
        do_add_requirement(actor=member, group=group, kind=RequirementKind.DECLARATION, declaration=declaration)
    with pytest.raises(PermissionDenied):
        do_add_requirement(actor=other_leader, group=group, kind=RequirementKind.DECLARATION, declaration=declaration)
    requirement = do_add_requirement(
        actor=leader, group=group, kind=RequirementKind.DECLARATION, declaration=declaration
    )
    with pytest.raises(PermissionDenied):
        do_remove_requirement(actor=member, requirement=requirement)

    requirement_id = str(requirement.pk)

    do_remove_requirement(actor=leader, requirement=requirement)

    assert not Requirement.objects.filter(group=group).exists()
    assert AuditEvent.objects.filter(action="qualification.requirement_removed", target_id=requirement_id).exists()


def test_requirement_labels_are_readable(group: Group, admin: User, declaration: Declaration) -> None:
    labels = [
        do_add_requirement(actor=admin, group=group, kind=RequirementKind.DECLARATION, declaration=declaration).label,
        do_add_requirement(actor=admin, group=group, kind=RequirementKind.TRAINING, training_name="Førstehjelp").label,
        do_add_requirement(actor=admin, group=group, kind=RequirementKind.MINIMUM_AGE, min_age_years=18).label,
        do_add_requirement(actor=admin, group=group, kind=RequirementKind.CUSTOM, title="Samtale med leder").label,
        police_requirement(group, admin).label,
    ]

    assert labels == [
        "Signed declaration: Taushetserklæring",
        "Training: Førstehjelp",
        "At least 18 years old",
        "Samtale med leder",
        "police certificate",
    ]
