"""Checks a leader records: police certificates seen not stored, training, ID, custom, age; forgotten on leaving."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils import timezone

from core.accounts.models import User
from core.audit.models import AuditEvent
from core.groups.models import Group, Membership, MembershipStatus
from core.groups.services import do_lapse_membership, do_reject_membership, do_withdraw_membership
from core.qualification.models import (
    CustomConfirmation,
    IdMethod,
    IdVerificationRecord,
    PoliceCertificateRecord,
    RequirementKind,
    TrainingRecord,
)
from core.qualification.services import (
    do_add_requirement,
    do_confirm_custom,
    do_record_police_certificate,
    do_record_training,
    do_set_birth_date,
    do_verify_id,
)
from tenants.models import Tenant
from tests.core.qualification.conftest import TODAY, make_swedish, police_requirement
from tests.factories import make_group, make_member

pytestmark = pytest.mark.django_db


def _data_fields(model: type[models.Model]) -> set[str]:
    return {field.name for field in model._meta.get_fields() if field.concrete}


def test_a_police_certificate_record_holds_nothing_but_the_allowed_fields() -> None:
    # No upload, no free text, no remarks flag: only that it was shown, when, by whom checked, issued when,
    # plus the bookkeeping of its expiry.
    assert _data_fields(PoliceCertificateRecord) == {
        "id",
        "membership",
        "requirement",
        "shown_on",
        "checked_by",
        "issued_on",
        "expires_on",
        "warned_at",
    }


def test_a_leader_records_a_shown_police_certificate(group: Group, leader: User, applicant: Membership) -> None:
    requirement = police_requirement(group, leader, validity_months=36)

    saved = do_record_police_certificate(
        actor=leader,
        membership=applicant,
        requirement=requirement,
        shown_on=TODAY,
        issued_on=TODAY - timedelta(days=20),
        today=TODAY,
    )

    assert saved.checked_by == leader
    assert saved.expires_on == date(2029, 3, 10)  # the group's re-check interval from the day it was shown
    assert AuditEvent.objects.filter(action="qualification.police_certificate_checked", actor=leader).exists()


@pytest.mark.parametrize(
    "case",
    [
        (TODAY + timedelta(days=1), TODAY, "shown_on"),
        (TODAY, TODAY + timedelta(days=1), "issued_on"),
        (TODAY - timedelta(days=2), TODAY - timedelta(days=1), "issued_on"),
        # Norway's default policy: at most three months old when shown.
        (TODAY, date(2025, 12, 9), "issued_on"),
    ],
)
def test_impossible_or_stale_police_certificates_are_refused(
    group: Group, leader: User, applicant: Membership, case: tuple[date, date, str]
) -> None:
    shown_on, issued_on, field = case
    requirement = police_requirement(group, leader)

    with pytest.raises(ValidationError) as refused:
        do_record_police_certificate(
            actor=leader,
            membership=applicant,
            requirement=requirement,
            shown_on=shown_on,
            issued_on=issued_on,
            today=TODAY,
        )

    assert field in refused.value.message_dict
    assert not PoliceCertificateRecord.objects.exists()


def test_a_norwegian_certificate_three_months_old_is_still_accepted(
    group: Group, leader: User, applicant: Membership
) -> None:
    requirement = police_requirement(group, leader)

    saved = do_record_police_certificate(
        actor=leader, membership=applicant, requirement=requirement, shown_on=TODAY, issued_on=date(2025, 12, 10)
    )

    assert saved.issued_on == date(2025, 12, 10)


def test_swedish_extract_older_than_a_year_is_refused(
    melhus: Tenant, group: Group, leader: User, applicant: Membership
) -> None:
    # Given a Swedish tenant whose group even says extracts may be old (its policy cannot beat the law).
    make_swedish(melhus)
    requirement = police_requirement(group, leader)

    with pytest.raises(ValidationError) as refused:
        do_record_police_certificate(
            actor=leader,
            membership=applicant,
            requirement=requirement,
            shown_on=TODAY,
            issued_on=date(2025, 3, 9),
            today=TODAY,
        )
    assert "issued_on" in refused.value.message_dict

    # An extract of eleven months is fine in Sweden.
    saved = do_record_police_certificate(
        actor=leader,
        membership=applicant,
        requirement=requirement,
        shown_on=TODAY,
        issued_on=date(2025, 4, 10),
        today=TODAY,
    )
    assert saved.pk is not None


def test_nobody_checks_their_own_qualification_and_members_check_nobody(
    group: Group, leader: User, applicant: Membership
) -> None:
    requirement = police_requirement(group, leader)
    own = Membership.objects.get(group=group, user=leader)
    member = make_member(group).user

    with pytest.raises(PermissionDenied):
        do_record_police_certificate(
            actor=leader, membership=own, requirement=requirement, shown_on=TODAY, issued_on=TODAY, today=TODAY
        )
    with pytest.raises(PermissionDenied):
        do_record_police_certificate(
            actor=member, membership=applicant, requirement=requirement, shown_on=TODAY, issued_on=TODAY, today=TODAY
        )


def test_a_check_must_use_a_requirement_of_the_same_group_and_kind(
    group: Group, admin: User, applicant: Membership
) -> None:
    elsewhere = police_requirement(make_group("Flyktningtjenesten", purpose="need"), admin)
    training = do_add_requirement(actor=admin, group=group, kind=RequirementKind.TRAINING, training_name="Kurs")

    for requirement in (elsewhere, training):
        with pytest.raises(ValidationError) as refused:
            do_record_police_certificate(
                actor=admin, membership=applicant, requirement=requirement, shown_on=TODAY, issued_on=TODAY
            )
        assert "requirement" in refused.value.message_dict


@pytest.mark.parametrize("end", ["withdraw", "reject", "lapse"])
def test_records_are_deleted_when_the_membership_ends(
    group: Group, leader: User, applicant: Membership, end: str
) -> None:
    # Given an applicant whose certificate, training, ID and custom requirement were all checked.
    police = police_requirement(group, leader)
    training = do_add_requirement(actor=leader, group=group, kind=RequirementKind.TRAINING, training_name="Kurs")
    id_check = do_add_requirement(actor=leader, group=group, kind=RequirementKind.ID_VERIFIED)
    custom = do_add_requirement(actor=leader, group=group, kind=RequirementKind.CUSTOM, title="Samtale")
    do_record_police_certificate(
        actor=leader, membership=applicant, requirement=police, shown_on=TODAY, issued_on=TODAY
    )
    do_record_training(actor=leader, membership=applicant, requirement=training, completed_on=TODAY)
    do_verify_id(actor=leader, membership=applicant, requirement=id_check, method=IdMethod.PASSPORT, verified_on=TODAY)
    do_confirm_custom(actor=leader, membership=applicant, requirement=custom, confirmed_on=TODAY)

    # When the membership ends in any way...
    if end == "withdraw":
        do_withdraw_membership(actor=applicant.user, membership=applicant)
    elif end == "reject":
        do_reject_membership(actor=leader, membership=applicant)
    else:
        Membership.objects.filter(pk=applicant.pk).update(status=MembershipStatus.APPROVED)
        do_lapse_membership(membership=applicant, reason="test")

    # ...nothing recorded about it is left.
    for model in (PoliceCertificateRecord, TrainingRecord, IdVerificationRecord, CustomConfirmation):
        assert not model.objects.filter(membership=applicant).exists(), model
    assert AuditEvent.objects.filter(action="qualification.records_forgotten", target_id=str(applicant.pk)).exists()


def test_no_check_is_recorded_on_an_ended_membership(group: Group, leader: User, applicant: Membership) -> None:
    requirement = police_requirement(group, leader)
    do_withdraw_membership(actor=applicant.user, membership=applicant)

    with pytest.raises(ValidationError):
        do_record_police_certificate(
            actor=leader, membership=applicant, requirement=requirement, shown_on=TODAY, issued_on=TODAY
        )


def test_renewing_a_check_replaces_it_and_rearms_the_warning(group: Group, leader: User, applicant: Membership) -> None:
    requirement = do_add_requirement(
        actor=leader, group=group, kind=RequirementKind.TRAINING, training_name="Førstehjelp", validity_months=24
    )
    first = do_record_training(
        actor=leader, membership=applicant, requirement=requirement, completed_on=date(2025, 1, 5), today=TODAY
    )
    TrainingRecord.objects.filter(pk=first.pk).update(warned_at=timezone.now())

    renewed = do_record_training(
        actor=leader, membership=applicant, requirement=requirement, completed_on=TODAY, today=TODAY
    )

    assert renewed.pk == first.pk
    assert renewed.expires_on == date(2028, 3, 10)
    assert renewed.warned_at is None
    assert TrainingRecord.objects.filter(membership=applicant).count() == 1


def test_a_check_that_would_already_have_expired_is_refused(group: Group, leader: User, applicant: Membership) -> None:
    requirement = do_add_requirement(
        actor=leader, group=group, kind=RequirementKind.TRAINING, training_name="Førstehjelp", validity_months=12
    )

    with pytest.raises(ValidationError) as refused:
        do_record_training(
            actor=leader, membership=applicant, requirement=requirement, completed_on=date(2025, 3, 10), today=TODAY
        )

    assert "completed_on" in refused.value.message_dict


def test_id_check_records_who_and_how_and_may_record_the_birth_date(
    group: Group, leader: User, applicant: Membership
) -> None:
    requirement = do_add_requirement(actor=leader, group=group, kind=RequirementKind.ID_VERIFIED)

    with pytest.raises(ValidationError):
        do_verify_id(actor=leader, membership=applicant, requirement=requirement, method="selfie", verified_on=TODAY)
    saved = do_verify_id(
        actor=leader,
        membership=applicant,
        requirement=requirement,
        method=IdMethod.EID,
        verified_on=TODAY,
        birth_date=date(2001, 5, 17),
        today=TODAY,
    )

    assert (saved.verified_by, saved.method, saved.expires_on) == (leader, IdMethod.EID, None)
    applicant.user.refresh_from_db()
    assert applicant.user.birth_date == date(2001, 5, 17)
    # After the ID check the member can no longer change their own date of birth.
    with pytest.raises(PermissionDenied):
        do_set_birth_date(actor=applicant.user, user=applicant.user, birth_date=date(1990, 1, 1))
