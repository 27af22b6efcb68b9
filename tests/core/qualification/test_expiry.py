"""The daily expiry check: warn 30 days ahead once, lapse on expiry and after a missed re-sign; safe twice."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from core.accounts.models import User
from core.audit.models import AuditEvent
from core.groups.models import Group, Membership, MembershipStatus, Role
from core.messaging.models import OutboxMessage
from core.qualification.models import Declaration, PoliceCertificateRecord, Requirement, RequirementKind
from core.qualification.selectors import current_version
from core.qualification.services import (
    ExpiryReport,
    do_add_requirement,
    do_check_expiry,
    do_publish_declaration_version,
    do_record_police_certificate,
    do_sign_declaration,
)
from core.qualification.tasks import check_expiry
from tenants.models import Tenant
from tests.conftest import in_schema
from tests.core.qualification.conftest import DECLARATION_TEXT, TODAY, police_requirement
from tests.factories import UserFactory, make_group, make_member

pytestmark = pytest.mark.django_db


def _checked_member(group: Group, leader: User, requirement: Requirement, *, shown_on: date) -> Membership:
    """An approved member whose police certificate was shown on `shown_on` (re-checked every 12 months)."""
    membership = make_member(group, UserFactory.create(name="Ola Berg", email=""))
    do_record_police_certificate(
        actor=leader,
        membership=membership,
        requirement=requirement,
        shown_on=shown_on,
        issued_on=shown_on,
        today=shown_on,
    )
    return membership


@pytest.fixture
def yearly_police_check(group: Group, leader: User) -> Requirement:
    return police_requirement(group, leader, validity_months=12)


def test_member_and_leaders_are_warned_once_30_days_before_expiry(
    group: Group, leader: User, yearly_police_check: Requirement
) -> None:
    # Given a certificate that expires in exactly 30 days, and one that expires in 31.
    soon = _checked_member(group, leader, yearly_police_check, shown_on=date(2025, 4, 9))
    later = _checked_member(group, leader, yearly_police_check, shown_on=date(2025, 4, 10))

    # When the daily check runs...
    report = do_check_expiry(today=TODAY)

    # ...the member and the group's leader hear about the first one, nobody about the second.
    assert report == ExpiryReport(warned=1, lapsed=0)
    assert OutboxMessage.objects.filter(recipient=soon.user, kind="qualification.expiring").count() == 1
    to_leader = OutboxMessage.objects.get(recipient=leader, kind="qualification.expiring")
    assert "Ola Berg" in to_leader.body
    assert not OutboxMessage.objects.filter(recipient=later.user).exists()
    assert PoliceCertificateRecord.objects.get(membership=soon).warned_at is not None

    # When it runs again the same day or the next, nothing new is sent for the first one.
    assert do_check_expiry(today=TODAY) == ExpiryReport(warned=0, lapsed=0)
    assert do_check_expiry(today=TODAY + timedelta(days=1)) == ExpiryReport(warned=1, lapsed=0)  # the second one
    assert OutboxMessage.objects.filter(recipient=soon.user, kind="qualification.expiring").count() == 1
    assert OutboxMessage.objects.filter(recipient=leader, kind="qualification.expiring").count() == 2


def test_a_group_without_leaders_warns_the_tenant_admins(in_melhus: object, admin: User) -> None:
    group = Group.objects.create(name="Uten leder", purpose="resource")
    requirement = police_requirement(group, admin, validity_months=12)
    _checked_member(group, admin, requirement, shown_on=date(2025, 4, 1))

    do_check_expiry(today=TODAY)

    assert OutboxMessage.objects.filter(recipient=admin, kind="qualification.expiring").exists()


def test_membership_lapses_when_a_qualification_expires_and_running_twice_changes_nothing(
    group: Group, leader: User, yearly_police_check: Requirement
) -> None:
    membership = _checked_member(group, leader, yearly_police_check, shown_on=date(2025, 3, 10))

    # The day before expiry it still stands.
    assert do_check_expiry(today=date(2026, 3, 9)).lapsed == 0
    # On the day it expires the membership lapses, the member is told, and the record is gone.
    assert do_check_expiry(today=TODAY) == ExpiryReport(warned=0, lapsed=1)
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.LAPSED
    assert not PoliceCertificateRecord.objects.filter(membership=membership).exists()
    assert OutboxMessage.objects.filter(recipient=membership.user, kind="membership.lapsed").count() == 1
    lapse = AuditEvent.objects.get(action="membership.lapsed", target_id=str(membership.pk))
    assert lapse.data["reason"] == "qualification_expired"

    # Running again changes nothing and sends nothing.
    assert do_check_expiry(today=TODAY) == ExpiryReport(warned=0, lapsed=0)
    assert OutboxMessage.objects.filter(recipient=membership.user, kind="membership.lapsed").count() == 1


def test_applicants_and_other_checks_are_left_alone(
    group: Group, leader: User, yearly_police_check: Requirement
) -> None:
    applicant = make_member(group, status=MembershipStatus.APPLIED)
    do_record_police_certificate(
        actor=leader,
        membership=applicant,
        requirement=yearly_police_check,
        shown_on=date(2025, 3, 10),
        issued_on=date(2025, 3, 10),
        today=date(2025, 3, 10),
    )

    assert do_check_expiry(today=TODAY) == ExpiryReport(warned=0, lapsed=0)
    applicant.refresh_from_db()
    assert applicant.status == MembershipStatus.APPLIED


def test_members_who_do_not_resign_a_new_version_lapse_after_the_grace_period(
    group: Group, admin: User, leader: User, declaration: Declaration
) -> None:
    # Given two approved members who signed version 1, and a leader who did too.
    do_add_requirement(actor=admin, group=group, kind=RequirementKind.DECLARATION, declaration=declaration)
    slow, quick = make_member(group), make_member(group)
    for person in (slow.user, quick.user, leader):
        version = current_version(declaration=declaration)
        do_sign_declaration(user=person, version=version, full_name="X Y", consent=True, text_sha256=version.sha256)

    # When version 2 is published with 30 days' grace and only one member re-signs...
    new = do_publish_declaration_version(
        actor=admin, declaration=declaration, text=DECLARATION_TEXT + "Nytt avsnitt.\n", grace_days=30, today=TODAY
    )
    do_sign_declaration(user=quick.user, version=new, full_name="X Y", consent=True, text_sha256=new.sha256)

    # ...nobody lapses during the grace period...
    assert do_check_expiry(today=TODAY + timedelta(days=29)).lapsed == 0
    # ...and when it is over, those who did not re-sign lapse (the leader too: the rule is the group's).
    assert do_check_expiry(today=TODAY + timedelta(days=30)).lapsed == 2
    statuses = dict(Membership.objects.filter(group=group).values_list("user_id", "status"))
    assert statuses == {
        slow.user_id: MembershipStatus.LAPSED,
        quick.user_id: MembershipStatus.APPROVED,
        leader.pk: MembershipStatus.LAPSED,
    }
    assert AuditEvent.objects.get(action="membership.lapsed", target_id=str(slow.pk)).data["reason"] == (
        "declaration_not_resigned"
    )
    assert do_check_expiry(today=TODAY + timedelta(days=31)).lapsed == 0


def test_the_daily_task_runs_the_check_in_its_tenants_schema(
    group: Group, leader: User, yearly_police_check: Requirement
) -> None:
    # Given a certificate that expired yesterday by the real clock.
    today = timezone.localdate()
    membership = make_member(group, role=Role.MEMBER)
    PoliceCertificateRecord.objects.create(
        membership=membership,
        requirement=yearly_police_check,
        shown_on=today - timedelta(days=366),
        issued_on=today - timedelta(days=370),
        checked_by=leader,
        expires_on=today - timedelta(days=1),
    )

    # When the task runs (in this schema, as beat's fan-out sends it)...
    result = check_expiry.apply().get()

    # ...the membership has lapsed.
    assert result == {"warned": 0, "lapsed": 1}
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.LAPSED


def test_the_check_in_one_tenant_leaves_another_tenants_memberships_alone(
    red_cross: Tenant, group: Group, leader: User, yearly_police_check: Requirement
) -> None:
    # Given an expired certificate in Melhus and one in Red Cross
    expired_here = _checked_member(group, leader, yearly_police_check, shown_on=date(2024, 1, 10))
    with in_schema(red_cross.schema_name):
        their_group = make_group(name="Besøksvenn")
        their_leader = make_member(their_group, UserFactory.create(), role=Role.LEADER).user
        their_rule = police_requirement(their_group, their_leader, validity_months=12)
        expired_there = _checked_member(their_group, their_leader, their_rule, shown_on=date(2024, 1, 10))

    # When the daily check runs in Melhus' schema (as beat's fan-out sends it there)...
    report = do_check_expiry(today=TODAY)

    # ...only Melhus' membership lapses, and Red Cross gets no message.
    assert report.lapsed == 1
    expired_here.refresh_from_db()
    assert expired_here.status == MembershipStatus.LAPSED
    with in_schema(red_cross.schema_name):
        expired_there.refresh_from_db()
        assert expired_there.status == MembershipStatus.APPROVED
        assert not OutboxMessage.objects.exists()
        assert PoliceCertificateRecord.objects.filter(membership=expired_there).exists()
