"""Batched "currently qualified" reads agree with is_currently_qualified, in queries that do not grow with members."""

from dataclasses import dataclass
from datetime import date, timedelta
from uuid import UUID

import pytest
from pytest_django import DjangoAssertNumQueries

from core.accounts.models import User
from core.groups.models import Group, Membership, MembershipStatus, Role
from core.qualification.models import Declaration, IdMethod, Requirement, RequirementKind
from core.qualification.selectors import (
    age_on,
    current_version,
    currently_qualified_user_ids,
    is_currently_qualified,
    latest_birth_date_for_age,
    qualified_group_ids_for,
)
from core.qualification.services import (
    do_add_requirement,
    do_confirm_custom,
    do_publish_declaration_version,
    do_record_police_certificate,
    do_record_training,
    do_sign_declaration,
    do_verify_id,
)
from tests.core.qualification.conftest import DECLARATION_TEXT, TODAY, police_requirement
from tests.factories import UserFactory, make_group, make_member

pytestmark = pytest.mark.django_db

# Version 2 of the declaration is published on TODAY with 30 days to re-sign.
RESIGN_DEADLINE = TODAY + timedelta(days=30)
# Days around every edge the group below has: birthdays, expiry days, the re-sign deadline.
DAYS = (
    date(2026, 2, 28),
    date(2026, 3, 1),
    TODAY - timedelta(days=1),
    TODAY,
    TODAY + timedelta(days=1),
    RESIGN_DEADLINE - timedelta(days=1),
    RESIGN_DEADLINE,
    date(2026, 7, 5),
    date(2026, 9, 1),
)


@dataclass(frozen=True)
class Rules:
    """The group's requirements, one of each kind."""

    declaration: Declaration
    police: Requirement  # re-checked every 12 months
    training: Requirement  # valid 24 months
    id_check: Requirement  # for good
    custom: Requirement  # valid 6 months


@dataclass(frozen=True)
class Person:
    """How far one member got; the defaults make a member who counts on every day in DAYS until 1 September."""

    name: str
    status: MembershipStatus = MembershipStatus.APPROVED
    role: Role = Role.MEMBER
    signed_versions: tuple[int, ...] = (2,)
    police_shown_on: date | None = date(2025, 9, 1)
    trained_on: date | None = date(2025, 1, 15)
    id_checked: bool = True
    birth_date: date | None = date(1990, 5, 5)
    custom_confirmed_on: date | None = date(2026, 1, 5)
    # Ended after the checks were recorded, with the records left behind (the worst case for a reader).
    ended_as: MembershipStatus | None = None


PEOPLE = (
    Person("all good"),
    Person("a leader with all good", role=Role.LEADER),
    Person("signed both versions", signed_versions=(1, 2)),
    Person("old version in the grace period", signed_versions=(1,)),
    Person("never signed", signed_versions=()),
    Person("police certificate expires today", police_shown_on=date(2025, 3, 10)),
    Person("police certificate expires tomorrow", police_shown_on=date(2025, 3, 11)),
    Person("no police certificate", police_shown_on=None),
    Person("training expired last week", trained_on=date(2024, 3, 3)),
    Person("no training", trained_on=None),
    Person("no ID check", id_checked=False),
    Person("no date of birth", birth_date=None),
    Person("turns 18 today", birth_date=date(2008, 3, 10)),
    Person("turns 18 tomorrow", birth_date=date(2008, 3, 11)),
    Person("born on a leap day", birth_date=date(2008, 2, 29)),
    Person("custom confirmation expired", custom_confirmed_on=date(2025, 6, 1)),
    Person("applicant with all good", status=MembershipStatus.APPLIED),
    Person("lapsed with records left", ended_as=MembershipStatus.LAPSED),
    Person("withdrawn with records left", ended_as=MembershipStatus.WITHDRAWN),
    Person(
        "approved with no checks at all",
        signed_versions=(),
        police_shown_on=None,
        trained_on=None,
        id_checked=False,
        birth_date=None,
        custom_confirmed_on=None,
    ),
    Person("rejected", status=MembershipStatus.REJECTED, signed_versions=(), police_shown_on=None),
)


def _rules(group: Group, admin: User, declaration: Declaration) -> Rules:
    do_add_requirement(actor=admin, group=group, kind=RequirementKind.DECLARATION, declaration=declaration)
    do_add_requirement(actor=admin, group=group, kind=RequirementKind.MINIMUM_AGE, min_age_years=18)
    return Rules(
        declaration=declaration,
        police=police_requirement(group, admin, validity_months=12),
        training=do_add_requirement(
            actor=admin, group=group, kind=RequirementKind.TRAINING, training_name="Førstehjelp", validity_months=24
        ),
        id_check=do_add_requirement(actor=admin, group=group, kind=RequirementKind.ID_VERIFIED),
        custom=do_add_requirement(
            actor=admin, group=group, kind=RequirementKind.CUSTOM, title="Intervju", validity_months=6
        ),
    )


def _sign(user: User, declaration: Declaration) -> None:
    version = current_version(declaration=declaration)
    do_sign_declaration(user=user, version=version, full_name="Ola Berg", consent=True, text_sha256=version.sha256)


def _record_checks(admin: User, membership: Membership, rules: Rules, person: Person) -> None:
    """Each check recorded on its own day (so an old one may be recorded although it has expired since)."""
    if person.police_shown_on is not None:
        shown_on = person.police_shown_on
        do_record_police_certificate(
            actor=admin,
            membership=membership,
            requirement=rules.police,
            shown_on=shown_on,
            issued_on=shown_on,
            today=shown_on,
        )
    if person.trained_on is not None:
        do_record_training(
            actor=admin,
            membership=membership,
            requirement=rules.training,
            completed_on=person.trained_on,
            today=person.trained_on,
        )
    if person.id_checked:
        do_verify_id(
            actor=admin,
            membership=membership,
            requirement=rules.id_check,
            method=IdMethod.PASSPORT,
            verified_on=date(2025, 2, 1),
            today=date(2025, 2, 1),
        )
    if person.custom_confirmed_on is not None:
        do_confirm_custom(
            actor=admin,
            membership=membership,
            requirement=rules.custom,
            confirmed_on=person.custom_confirmed_on,
            today=person.custom_confirmed_on,
        )


def _populate(group: Group, admin: User, rules: Rules, people: tuple[Person, ...]) -> dict[str, Membership]:
    """The people as members of the group; version 2 of the declaration is published on the way."""
    memberships: dict[str, Membership] = {}
    for person in people:
        user = UserFactory.create(name=person.name, birth_date=person.birth_date)
        # Checks can be recorded only for a live membership, so a rejected one is rejected afterwards.
        live = MembershipStatus.APPLIED if person.status == MembershipStatus.REJECTED else person.status
        membership = make_member(group, user, role=person.role, status=live)
        _record_checks(admin, membership, rules, person)
        if 1 in person.signed_versions:
            _sign(user, rules.declaration)
        memberships[person.name] = membership
    if current_version(declaration=rules.declaration).number == 1:
        do_publish_declaration_version(
            actor=admin, declaration=rules.declaration, text=DECLARATION_TEXT + "Nytt avsnitt.\n", today=TODAY
        )
    for person in people:
        membership = memberships[person.name]
        if 2 in person.signed_versions:
            _sign(membership.user, rules.declaration)
        ended = person.ended_as or (person.status if person.status == MembershipStatus.REJECTED else None)
        if ended is not None:
            Membership.objects.filter(pk=membership.pk).update(status=ended)
    return {name: Membership.objects.get(pk=membership.pk) for name, membership in memberships.items()}


def _one_by_one(memberships: list[Membership], today: date) -> set[UUID]:
    return {m.user_id for m in memberships if is_currently_qualified(membership=m, today=today)}


@pytest.fixture
def rules(group: Group, admin: User, declaration: Declaration) -> Rules:
    return _rules(group, admin, declaration)


@pytest.fixture
def members(group: Group, admin: User, rules: Rules) -> dict[str, Membership]:
    return _populate(group, admin, rules, PEOPLE)


def test_the_batch_agrees_with_one_by_one_on_every_edge_day(group: Group, members: dict[str, Membership]) -> None:
    # Given a group with every kind of requirement and members in every state, and a member of another group.
    make_member(make_group(name="Besøksvenn"))
    everyone = list(Membership.objects.filter(group=group))
    assert len(everyone) == len(PEOPLE)

    for today in DAYS:
        # When the batch is asked, then it names exactly the members who count one by one.
        assert currently_qualified_user_ids(group=group, today=today) == _one_by_one(everyone, today), today


def test_on_the_fixed_day_the_batch_names_who_one_would_expect(group: Group, members: dict[str, Membership]) -> None:
    qualified = currently_qualified_user_ids(group=group, today=TODAY)

    names = {name for name, membership in members.items() if membership.user_id in qualified}
    assert names == {
        "all good",
        "a leader with all good",
        "signed both versions",
        "old version in the grace period",
        "police certificate expires tomorrow",
        "turns 18 today",
        "born on a leap day",
    }
    # The grace period ends on the deadline; the leap-day child turns 18 on 1 March, not on 28 February.
    later = currently_qualified_user_ids(group=group, today=RESIGN_DEADLINE)
    assert members["old version in the grace period"].user_id not in later
    assert members["signed both versions"].user_id in later
    on_28th = currently_qualified_user_ids(group=group, today=date(2026, 2, 28))
    assert members["born on a leap day"].user_id not in on_28th
    assert members["born on a leap day"].user_id in currently_qualified_user_ids(group=group, today=date(2026, 3, 1))


def test_the_batch_narrows_to_the_people_asked_about(group: Group, members: dict[str, Membership]) -> None:
    asked = {
        members["all good"].user_id,
        members["never signed"].user_id,
        members["applicant with all good"].user_id,
        UserFactory.create().pk,  # not a member at all
    }

    assert currently_qualified_user_ids(group=group, user_ids=asked, today=TODAY) == {members["all good"].user_id}
    assert currently_qualified_user_ids(group=group, user_ids=[], today=TODAY) == set()


def test_a_group_without_requirements_counts_its_approved_members_in_two_queries(
    in_melhus: object, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    group = make_group(name="Turvenner")
    approved = [make_member(group) for _ in range(3)]
    make_member(group, status=MembershipStatus.APPLIED)
    make_member(group, status=MembershipStatus.LAPSED)

    with django_assert_max_num_queries(2):
        qualified = currently_qualified_user_ids(group=group, today=TODAY)

    assert qualified == {m.user_id for m in approved}
    assert qualified == _one_by_one(list(Membership.objects.filter(group=group)), TODAY)


@pytest.mark.parametrize("count", [5, 50])
def test_the_batch_costs_the_same_three_queries_for_5_or_50_members(
    group: Group,
    admin: User,
    rules: Rules,
    count: int,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    # Given `count` members who meet all six requirements.
    people = tuple(Person(f"member {n}") for n in range(count))
    members = _populate(group, admin, rules, people)

    # When the batch is asked, it takes three queries: requirements, newest declaration versions, members.
    with django_assert_num_queries(3):
        qualified = currently_qualified_user_ids(group=group, today=TODAY)

    assert qualified == {m.user_id for m in members.values()}


def test_the_feed_lookup_agrees_with_one_by_one_for_each_of_a_members_groups(
    group: Group,
    admin: User,
    rules: Rules,
    members: dict[str, Membership],
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    # Given a member in the grace period of the big group, who is also in groups without requirements
    # (approved in one, applicant in another), in a group whose only check expired for them, in one whose
    # age limit they meet, and not in a sixth group at all.
    person = members["old version in the grace period"].user
    free = make_group(name="Turvenner")
    pending = make_group(name="Strikkeklubb")
    checked = make_group(name="Besøksvenn")
    aged = make_group(name="Seniorkafé")
    absent = make_group(name="Snømåking")
    make_member(free, person)
    make_member(pending, person, status=MembershipStatus.APPLIED)
    expired_check = make_member(checked, person)
    make_member(aged, person)
    do_record_training(
        actor=admin,
        membership=expired_check,
        requirement=do_add_requirement(
            actor=admin, group=checked, kind=RequirementKind.TRAINING, training_name="Kurs", validity_months=12
        ),
        completed_on=date(2025, 3, 1),
        today=date(2025, 3, 1),
    )
    do_add_requirement(actor=admin, group=aged, kind=RequirementKind.MINIMUM_AGE, min_age_years=30)
    group_ids = [g.pk for g in (group, free, pending, checked, aged, absent)]
    own = list(Membership.objects.filter(user=person))

    for today in (*DAYS, date(2025, 3, 1)):
        # When the feed asks which of the groups count, then they are those where the membership counts.
        with django_assert_max_num_queries(3):
            found = qualified_group_ids_for(user=person, group_ids=group_ids, today=today)
        assert found == {m.group_id for m in own if is_currently_qualified(membership=m, today=today)}, today

    assert qualified_group_ids_for(user=person, group_ids=group_ids, today=TODAY) == {group.pk, free.pk, aged.pk}
    assert qualified_group_ids_for(user=person, group_ids=[], today=TODAY) == set()


@pytest.mark.parametrize("years", [0, 1, 4, 18, 67])
def test_the_age_cutoff_is_the_last_birthday_age_on_accepts(years: int) -> None:
    # Every day of a leap cycle, including 29 February and the days around it.
    start = date(2027, 1, 1)
    for offset in range(4 * 366):
        today = start + timedelta(days=offset)
        cutoff = latest_birth_date_for_age(years=years, today=today)
        assert age_on(cutoff, today) >= years, today
        assert age_on(cutoff + timedelta(days=1), today) < years, today
