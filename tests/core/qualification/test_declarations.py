"""Declarations: versioned texts, signatures bound to the exact text, re-signing after a new version."""

import hashlib
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.accounts.models import User
from core.audit.models import AuditEvent
from core.groups.models import Group, MembershipStatus
from core.messaging.models import OutboxMessage
from core.qualification.models import Declaration, DeclarationSignature, RequirementKind
from core.qualification.selectors import (
    RequirementState,
    current_version,
    is_currently_qualified,
    requirement_checklist,
    unmet_requirements,
)
from core.qualification.services import (
    do_add_requirement,
    do_create_declaration,
    do_publish_declaration_version,
    do_sign_declaration,
)
from tests.core.qualification.conftest import DECLARATION_TEXT, TODAY
from tests.factories import UserFactory, make_member

pytestmark = pytest.mark.django_db

NEW_TEXT = DECLARATION_TEXT + "Taushetsplikten gjelder også etter at oppdraget er avsluttet.\n"


def _sign(user: User, declaration: Declaration, *, name: str = "Ola Berg") -> DeclarationSignature:
    version = current_version(declaration=declaration)
    return do_sign_declaration(user=user, version=version, full_name=name, consent=True, text_sha256=version.sha256)


def test_a_version_keeps_the_hash_of_its_exact_text(declaration: Declaration) -> None:
    version = current_version(declaration=declaration)

    assert version.number == 1
    assert version.text == DECLARATION_TEXT
    assert version.sha256 == hashlib.sha256(DECLARATION_TEXT.encode()).hexdigest()
    assert version.resign_deadline is None


def test_only_admins_write_declarations(group: Group, leader: User, declaration: Declaration) -> None:
    with pytest.raises(PermissionDenied):
        do_create_declaration(actor=leader, title="Egen erklæring", text="Tekst")
    with pytest.raises(PermissionDenied):
        do_publish_declaration_version(actor=leader, declaration=declaration, text=NEW_TEXT)


def test_signing_records_name_consent_time_ip_and_the_hash_shown(declaration: Declaration) -> None:
    person = UserFactory.create()

    signature = _sign(person, declaration, name="  Ola Berg ")

    assert signature.full_name == "Ola Berg"
    assert signature.consent is True
    assert signature.signed_at is not None
    assert signature.text_sha256 == current_version(declaration=declaration).sha256
    assert AuditEvent.objects.filter(action="qualification.declaration_signed", actor=person).exists()
    # Signing again changes nothing.
    assert _sign(person, declaration).pk == signature.pk


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"full_name": "   "}, "full_name"),
        ({"consent": False}, "consent"),
        ({"text_sha256": hashlib.sha256(b"another text").hexdigest()}, "text_sha256"),
    ],
)
def test_a_signature_needs_a_name_consent_and_the_right_hash(
    declaration: Declaration, changes: dict[str, object], field: str
) -> None:
    person = UserFactory.create()
    version = current_version(declaration=declaration)
    arguments: dict[str, object] = {"full_name": "Ola Berg", "consent": True, "text_sha256": version.sha256}
    arguments.update(changes)

    with pytest.raises(ValidationError) as refused:
        do_sign_declaration(user=person, version=version, **arguments)  # type: ignore[arg-type]

    assert field in refused.value.message_dict
    assert not DeclarationSignature.objects.filter(user=person).exists()


def test_publishing_the_same_text_again_is_refused(admin: User, declaration: Declaration) -> None:
    with pytest.raises(ValidationError) as refused:
        do_publish_declaration_version(actor=admin, declaration=declaration, text=DECLARATION_TEXT)

    assert "text" in refused.value.message_dict


def test_a_new_version_asks_signers_to_resign_and_old_signatures_do_not_count_for_new_applicants(
    group: Group, admin: User, declaration: Declaration
) -> None:
    # Given a group that requires the declaration, an approved member who signed version 1,
    # and an applicant who signed version 1 too.
    do_add_requirement(actor=admin, group=group, kind=RequirementKind.DECLARATION, declaration=declaration)
    member = make_member(group, UserFactory.create(language="sv", email=""))
    applicant = make_member(group, status=MembershipStatus.APPLIED)
    _sign(member.user, declaration)
    _sign(applicant.user, declaration)
    assert unmet_requirements(membership=applicant, today=TODAY) == []

    # When an admin publishes version 2 with a 30-day grace period...
    version = do_publish_declaration_version(
        actor=admin, declaration=declaration, text=NEW_TEXT, grace_days=30, today=TODAY
    )

    # ...the approved member is asked to re-sign (the applicant is not a member yet)...
    assert version.number == 2
    assert version.resign_deadline == TODAY + timedelta(days=30)
    message = OutboxMessage.objects.get(recipient=member.user, kind="declaration.resign")
    assert message.medium == "sms"
    assert "Taushetserklæring" in message.body
    assert not OutboxMessage.objects.filter(recipient=applicant.user, kind="declaration.resign").exists()
    # ...keeps counting as qualified during the grace period, but the item says what is due...
    assert is_currently_qualified(membership=member, today=TODAY)
    [item] = requirement_checklist(membership=member, today=TODAY)
    assert item.state == RequirementState.RESIGN_DUE
    assert item.expires_on == version.resign_deadline
    # ...and the applicant's old signature no longer lets them be approved.
    assert unmet_requirements(membership=applicant, today=TODAY) == [
        "Signed declaration: Taushetserklæring: version 2 must be signed by 04/09/2026"
    ]

    # When they sign the new version, it is met again.
    _sign(applicant.user, declaration)
    assert unmet_requirements(membership=applicant, today=TODAY) == []


def test_an_old_version_cannot_be_signed_once_a_new_one_exists(admin: User, declaration: Declaration) -> None:
    old = current_version(declaration=declaration)
    do_publish_declaration_version(actor=admin, declaration=declaration, text=NEW_TEXT)

    with pytest.raises(ValidationError) as refused:
        do_sign_declaration(
            user=UserFactory.create(), version=old, full_name="Ola Berg", consent=True, text_sha256=old.sha256
        )

    assert "version" in refused.value.message_dict


def test_an_unsigned_declaration_is_unmet(group: Group, admin: User, declaration: Declaration) -> None:
    do_add_requirement(actor=admin, group=group, kind=RequirementKind.DECLARATION, declaration=declaration)
    applicant = make_member(group, status=MembershipStatus.APPLIED)

    assert unmet_requirements(membership=applicant) == ["Signed declaration: Taushetserklæring: not signed"]
