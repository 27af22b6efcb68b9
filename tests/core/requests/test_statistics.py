"""The follow-up statistics: exact figures, medians, filters, local-time buckets, who may see them."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from pytest_django import DjangoAssertNumQueries

from core.accounts.models import User
from core.groups.models import Category, Channel, Group, Membership, MembershipStatus, Purpose, Role
from core.requests.models import HelpRequest, Offer, OfferStatus, RequestState
from core.requests.statistics import Period, RequestStatistics, request_statistics
from tenants.models import Tenant
from tests.conftest import Api, in_schema
from tests.factories import UserFactory, make_group, make_member

pytestmark = pytest.mark.django_db

OSLO = ZoneInfo("Europe/Oslo")
YEAR_2025 = Period(start=date(2025, 1, 1), end=date(2025, 12, 31))
PATH = "statistics/requests/"
HOUR = timedelta(hours=1)


@dataclass
class Melhus:
    admin: User
    staff: User
    home_care: Group
    visitors: Group
    neighbours: Group
    home_care_channel: Channel
    neighbours_channel: Channel
    escort: Category
    shopping: Category


@pytest.fixture
def world(in_melhus: Tenant) -> Melhus:
    """Home care posts into a channel that the visiting service answers; neighbours help each other."""
    home_care = make_group("Hjemmetjenesten", purpose=Purpose.NEED)
    visitors = make_group("Besøkstjenesten")
    neighbours = make_group("Nabohjelp", purpose=Purpose.OPEN)
    home_care_channel = Channel.objects.create(name="Hjemmetjenesten → besøksvenner")
    home_care_channel.publishing_groups.add(home_care)
    home_care_channel.answering_groups.add(visitors)
    neighbours_channel = Channel.objects.create(name="Nabohjelp", own_group=neighbours)
    neighbours_channel.publishing_groups.add(neighbours)
    neighbours_channel.answering_groups.add(neighbours)
    return Melhus(
        # English, so that the API answers the admin in the source strings asserted below.
        admin=UserFactory.create(is_tenant_admin=True, language="en"),
        staff=make_member(home_care, role=Role.STAFF).user,
        home_care=home_care,
        visitors=visitors,
        neighbours=neighbours,
        home_care_channel=home_care_channel,
        neighbours_channel=neighbours_channel,
        escort=Category.objects.create(key="escort", name="Følge", position=1),
        shopping=Category.objects.create(key="shopping", name="Handling", position=2),
    )


def _request(
    world: Melhus,
    created_at: datetime,
    *,
    state: RequestState = RequestState.OPEN,
    first_offer_after: timedelta | None = None,
    agreed_after: timedelta | None = None,
    channel: Channel | None = None,
    category: Category | None = None,
) -> HelpRequest:
    """An unsaved request as the services would have left it, timestamps set by hand."""
    channel = channel or world.home_care_channel
    return HelpRequest(
        channel=channel,
        poster_group=world.neighbours if channel == world.neighbours_channel else world.home_care,
        posted_by=world.staff,
        title="Følge til tannlegen",
        category=category,
        state=state,
        created_at=created_at,
        expires_at=created_at + timedelta(days=7),
        first_offer_at=created_at + first_offer_after if first_offer_after is not None else None,
        agreed_at=created_at + agreed_after if agreed_after is not None else None,
    )


def _oslo(year: int, month: int, day: int, hour: int = 0) -> datetime:
    return datetime(year, month, day, hour, tzinfo=OSLO)


def _admin_sees(world: Melhus, period: Period = YEAR_2025, **filters: Any) -> RequestStatistics:
    return request_statistics(viewer=world.admin, period=period, **filters)


# --- Helsingborg's year ------------------------------------------------------------------------


def _helsingborgs_year(world: Melhus) -> list[HelpRequest]:
    """274 requests over 2025: 147 agreed (100 completed, 40 still agreed, 7 cancelled after), 127 expired.

    The first is posted 00:30 on New Year's Day in Oslo (still 2024 in UTC), the last 23:30 on
    New Year's Eve; two more fall just outside the year in Oslo time.
    """
    first, last = datetime(2024, 12, 31, 23, 30, tzinfo=UTC), datetime(2025, 12, 31, 22, 30, tzinfo=UTC)
    moments = [first + (last - first) * i / 273 for i in range(274)]
    outcomes = (
        [RequestState.COMPLETED] * 100
        + [RequestState.AGREED] * 40
        + [RequestState.CANCELLED] * 7
        + [RequestState.EXPIRED] * 127
    )
    requests = [
        _request(
            world,
            moment,
            state=outcome,
            first_offer_after=HOUR if outcome != RequestState.EXPIRED else None,
            agreed_after=3 * HOUR if outcome != RequestState.EXPIRED else None,
        )
        for moment, outcome in zip(moments, outcomes, strict=True)
    ]
    outside = [
        _request(world, datetime(2024, 12, 31, 22, 30, tzinfo=UTC), state=RequestState.EXPIRED),  # 23:30 in Oslo
        _request(world, datetime(2025, 12, 31, 23, 30, tzinfo=UTC), state=RequestState.EXPIRED),  # 2026 in Oslo
    ]
    return HelpRequest.objects.bulk_create(requests + outside)[:274]


def _accepted_helpers(world: Melhus, requests: list[HelpRequest], helpers: list[User]) -> None:
    """Each agreed request gets an accepted offer from one of `helpers`, in turn."""
    Offer.objects.bulk_create(
        Offer(
            request=request,
            helper=helpers[index % len(helpers)],
            offered_by=helpers[index % len(helpers)],
            via_group=world.visitors,
            status=OfferStatus.ACCEPTED,
        )
        for index, request in enumerate(requests)
    )


def test_helsingborgs_year_gives_exact_counts_and_rates(world: Melhus) -> None:
    # Given Helsingborg's year: 274 requests, 147 agreed, 127 expired
    requests = _helsingborgs_year(world)
    helpers = [UserFactory.create() for _ in range(30)]
    _accepted_helpers(world, requests[:140], helpers)
    # ...and the seven agreements cancelled later: their helper's offer is "cancelled", not help given
    dropout = UserFactory.create()
    Offer.objects.bulk_create(
        Offer(request=r, helper=dropout, offered_by=dropout, via_group=world.visitors, status=OfferStatus.CANCELLED)
        for r in requests[140:147]
    )

    # When the admin reads the year
    totals = _admin_sees(world).totals

    # Then every figure is exact
    assert (totals.posted, totals.agreed, totals.expired) == (274, 147, 127)
    assert (totals.completed, totals.in_agreement, totals.cancelled, totals.open) == (100, 40, 7, 0)
    assert totals.agreement_rate == 147 / 274
    assert totals.expiry_rate == 127 / 274
    assert (round(100 * totals.agreement_rate, 1), round(100 * totals.expiry_rate, 1)) == (53.6, 46.4)
    assert totals.median_time_to_first_offer == HOUR
    assert totals.median_time_to_agreement == 3 * HOUR
    assert totals.active_helpers == 30


def test_figures_take_a_bounded_number_of_queries(
    world: Melhus, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    # Given a whole year of requests, with helpers, and a leader of the answering group
    requests = _helsingborgs_year(world)
    _accepted_helpers(world, requests[:140], [UserFactory.create() for _ in range(30)])
    leader = make_member(world.visitors, role=Role.LEADER).user

    # When the admin reads the year by day, and the leader their channel in one category
    with django_assert_max_num_queries(7):
        by_day = request_statistics(viewer=world.admin, period=YEAR_2025, bucket="day")
    with django_assert_max_num_queries(10):
        request_statistics(
            viewer=leader,
            period=YEAR_2025,
            group_id=world.visitors.pk,
            channel_id=world.home_care_channel.pk,
            category_id=world.escort.pk,
        )

    # Then the counts were all made in SQL
    assert len(by_day.series) == 365
    assert sum(day.posted for day in by_day.series) == 274


def test_nothing_posted_gives_no_rates_and_no_medians(world: Melhus) -> None:
    statistics = _admin_sees(world)

    assert statistics.totals.posted == 0
    assert statistics.totals.agreement_rate is None
    assert statistics.totals.expiry_rate is None
    assert statistics.totals.median_time_to_first_offer is None
    assert statistics.totals.median_time_to_agreement is None
    assert statistics.by_category == statistics.by_channel == ()


# --- Medians -----------------------------------------------------------------------------------


def test_medians_skip_requests_without_the_event_and_interpolate_an_even_count(world: Melhus) -> None:
    # Given first offers after 1 h, 2 h and 4 h (and one request nobody offered on),
    # and agreements after 1 h and 3 h
    monday = _oslo(2025, 3, 10, 9)
    HelpRequest.objects.bulk_create(
        [
            _request(world, monday, state=RequestState.COMPLETED, first_offer_after=HOUR, agreed_after=HOUR),
            _request(world, monday, state=RequestState.AGREED, first_offer_after=2 * HOUR, agreed_after=3 * HOUR),
            _request(world, monday, state=RequestState.EXPIRED, first_offer_after=4 * HOUR),
            _request(world, monday, state=RequestState.EXPIRED),
        ]
    )

    # When the admin reads the medians
    totals = _admin_sees(world).totals

    # Then the odd count takes the middle value, the even count the mean of the two middle ones
    assert totals.median_time_to_first_offer == 2 * HOUR
    assert totals.median_time_to_agreement == 2 * HOUR


def test_median_of_four_first_offers_lies_between_the_middle_two(world: Melhus) -> None:
    monday = _oslo(2025, 3, 10, 9)
    HelpRequest.objects.bulk_create(
        [_request(world, monday, first_offer_after=hours * HOUR) for hours in (1, 2, 4, 10)]
    )

    assert _admin_sees(world).totals.median_time_to_first_offer == 3 * HOUR


# --- Filters and buckets -----------------------------------------------------------------------


def _spread_over_groups_and_categories(world: Melhus) -> None:
    day = _oslo(2025, 5, 5, 12)
    HelpRequest.objects.bulk_create(
        [
            _request(world, day, category=world.escort, state=RequestState.EXPIRED),
            _request(world, day, category=world.escort, agreed_after=HOUR, state=RequestState.COMPLETED),
            _request(world, day, category=world.shopping, agreed_after=HOUR, state=RequestState.AGREED),
            _request(world, day, channel=world.neighbours_channel, category=world.shopping),
            _request(world, day, channel=world.neighbours_channel, state=RequestState.EXPIRED),
        ]
    )


def test_a_group_sees_its_posts_and_its_channels_requests_once_each(world: Melhus) -> None:
    # Given three home-care requests and two among neighbours, whose group publishes and answers its channel
    _spread_over_groups_and_categories(world)

    # When the admin filters by each group
    def posted(group: Group) -> int:
        return _admin_sees(world, group_id=group.pk).totals.posted

    # Then the publishing group, the answering group and the open group each see their channel's requests
    assert (posted(world.home_care), posted(world.visitors), posted(world.neighbours)) == (3, 3, 2)


def test_channel_and_category_filters_narrow_the_figures(world: Melhus) -> None:
    _spread_over_groups_and_categories(world)

    in_channel = _admin_sees(world, channel_id=world.neighbours_channel.pk).totals
    escort = _admin_sees(world, category_id=world.escort.pk).totals
    both = _admin_sees(world, channel_id=world.home_care_channel.pk, category_id=world.shopping.pk).totals

    assert (in_channel.posted, in_channel.expired) == (2, 1)
    assert (escort.posted, escort.agreed, escort.expired, escort.completed) == (2, 1, 1, 1)
    assert (both.posted, both.agreed, both.in_agreement) == (1, 1, 1)


def test_breakdowns_per_category_and_channel(world: Melhus) -> None:
    _spread_over_groups_and_categories(world)

    statistics = _admin_sees(world)

    # Categories in the admin's order, requests without one last
    assert [(b.id, b.name, b.posted, b.agreed, b.expired, b.expiry_rate) for b in statistics.by_category] == [
        (world.escort.pk, "Følge", 2, 1, 1, 0.5),
        (world.shopping.pk, "Handling", 2, 1, 0, 0.0),
        (None, "Without a category", 1, 0, 1, 1.0),
    ]
    assert [(b.id, b.posted, b.agreed, b.expired) for b in statistics.by_channel] == [
        (world.home_care_channel.pk, 3, 2, 1),
        (world.neighbours_channel.pk, 2, 0, 1),
    ]


def test_weeks_are_counted_in_oslo_time(world: Melhus) -> None:
    # Given one request late on Sunday in Oslo, and one at 23:30 UTC on Sunday, which is Monday in Oslo
    HelpRequest.objects.bulk_create(
        [
            _request(world, datetime(2025, 3, 9, 22, 30, tzinfo=UTC), state=RequestState.EXPIRED),
            _request(world, datetime(2025, 3, 9, 23, 30, tzinfo=UTC), agreed_after=HOUR),
        ]
    )

    # When the admin reads weeks of early March
    series = _admin_sees(world, Period(start=date(2025, 3, 1), end=date(2025, 3, 16))).series

    # Then every week the period touches is there, starting on Mondays, the second request in the next week
    assert [(b.start, b.posted, b.agreed, b.expired) for b in series] == [
        (date(2025, 2, 24), 0, 0, 0),
        (date(2025, 3, 3), 1, 0, 1),
        (date(2025, 3, 10), 1, 1, 0),
    ]


def test_days_and_months_are_counted_in_oslo_time(world: Melhus) -> None:
    # Given a request at 23:30 UTC on 31 January: 1 February in Oslo
    HelpRequest.objects.bulk_create([_request(world, datetime(2025, 1, 31, 23, 30, tzinfo=UTC))])
    first_quarter = Period(start=date(2025, 1, 1), end=date(2025, 3, 31))

    months = _admin_sees(world, first_quarter, bucket="month").series
    days = _admin_sees(world, Period(start=date(2025, 1, 31), end=date(2025, 2, 1)), bucket="day").series

    assert [(b.start, b.posted) for b in months] == [
        (date(2025, 1, 1), 0),
        (date(2025, 2, 1), 1),
        (date(2025, 3, 1), 0),
    ]
    assert [(b.start, b.posted) for b in days] == [(date(2025, 1, 31), 0), (date(2025, 2, 1), 1)]


# --- Sign-ups ----------------------------------------------------------------------------------


def _membership(group: Group, *, applied: datetime, status: MembershipStatus, changed: datetime) -> Membership:
    return Membership.objects.create(
        group=group, user=UserFactory.create(), status=status, applied_at=applied, status_changed_at=changed
    )


def test_membership_series_counts_applications_and_approvals_per_week(world: Melhus) -> None:
    # Given applications to the visiting service over two weeks of March, some approved, one rejected
    week_1, week_2 = _oslo(2025, 3, 3, 10), _oslo(2025, 3, 10, 10)
    _membership(world.visitors, applied=week_1, status=MembershipStatus.APPROVED, changed=week_1 + HOUR)
    _membership(world.visitors, applied=week_1, status=MembershipStatus.APPROVED, changed=week_2)
    _membership(world.visitors, applied=week_1, status=MembershipStatus.REJECTED, changed=week_2)
    _membership(world.visitors, applied=week_2, status=MembershipStatus.APPLIED, changed=week_2)
    # ...one approved in the period that applied before it, and one at 23:30 UTC on Sunday (Monday in Oslo)
    _membership(
        world.visitors, applied=_oslo(2025, 2, 1, 10), status=MembershipStatus.APPROVED, changed=week_1 + 2 * HOUR
    )
    sunday_night = datetime(2025, 3, 9, 23, 30, tzinfo=UTC)
    _membership(world.visitors, applied=sunday_night, status=MembershipStatus.APPROVED, changed=sunday_night)
    # ...and an application to another group
    _membership(world.neighbours, applied=week_1, status=MembershipStatus.APPROVED, changed=week_1)
    march = Period(start=date(2025, 3, 3), end=date(2025, 3, 16))

    # When the admin reads the visiting service's sign-ups
    memberships = _admin_sees(world, march, group_id=world.visitors.pk).memberships

    # Then applications count by application time, approvals by the time of approval
    assert (memberships.applications, memberships.approvals) == (5, 4)
    assert [(b.start, b.applications, b.approvals) for b in memberships.series] == [
        (date(2025, 3, 3), 3, 2),
        (date(2025, 3, 10), 2, 2),
    ]
    # ...and the whole tenant includes the other group
    tenant_wide = _admin_sees(world, march).memberships
    assert (tenant_wide.applications, tenant_wide.approvals) == (6, 5)


def test_a_leader_of_an_answering_group_sees_only_their_own_groups_sign_ups_for_a_channel(world: Melhus) -> None:
    # Given sign-ups to the home-care group (which publishes into the channel) and the visiting service
    leader = make_member(world.visitors, role=Role.LEADER).user
    day = _oslo(2025, 3, 4, 10)
    _membership(world.home_care, applied=day, status=MembershipStatus.APPROVED, changed=day)
    _membership(world.visitors, applied=day, status=MembershipStatus.APPLIED, changed=day)
    march = Period(start=date(2025, 3, 3), end=date(2025, 3, 16))

    # When the admin and the visiting service's leader read the channel
    by_admin = request_statistics(viewer=world.admin, period=march, channel_id=world.home_care_channel.pk)
    by_leader = request_statistics(viewer=leader, period=march, channel_id=world.home_care_channel.pk)

    # Then the leader is not told how many joined home care
    assert (by_admin.memberships.applications, by_admin.memberships.approvals) == (2, 1)
    assert (by_leader.memberships.applications, by_leader.memberships.approvals) == (1, 0)


# --- Who may see what --------------------------------------------------------------------------


def test_a_leader_sees_their_group_and_the_channels_it_answers(world: Melhus) -> None:
    _spread_over_groups_and_categories(world)
    leader = make_member(world.visitors, role=Role.LEADER).user

    own_group = request_statistics(viewer=leader, period=YEAR_2025, group_id=world.visitors.pk)
    answered_channel = request_statistics(viewer=leader, period=YEAR_2025, channel_id=world.home_care_channel.pk)

    assert own_group.totals.posted == answered_channel.totals.posted == 3


@pytest.mark.parametrize(
    "ask_for",
    [
        pytest.param({"group_id": "neighbours"}, id="another-group"),
        pytest.param({"channel_id": "neighbours_channel"}, id="another-groups-channel"),
        pytest.param({}, id="the-whole-tenant"),
    ],
)
def test_a_leader_cannot_see_what_their_groups_have_no_part_in(world: Melhus, ask_for: dict[str, str]) -> None:
    # Given a leader of the visiting service
    leader = make_member(world.visitors, role=Role.LEADER).user
    filters = {key: getattr(world, name).pk for key, name in ask_for.items()}

    # When they ask for another group's figures, or everything, they are refused
    with pytest.raises(PermissionDenied, match="group they lead"):
        request_statistics(viewer=leader, period=YEAR_2025, **filters)


def test_a_leader_of_an_archived_group_is_refused(world: Melhus) -> None:
    leader = make_member(world.visitors, role=Role.LEADER).user
    Group.objects.filter(pk=world.visitors.pk).update(archived_at=_oslo(2025, 1, 1))

    with pytest.raises(PermissionDenied):
        request_statistics(viewer=leader, period=YEAR_2025, group_id=world.visitors.pk)


@pytest.mark.parametrize("role", [Role.MEMBER, Role.STAFF])
def test_members_and_staff_cannot_see_statistics_even_of_their_own_group(world: Melhus, role: Role) -> None:
    member = make_member(world.visitors, role=role).user

    with pytest.raises(PermissionDenied, match="Only the tenant's admins and group leaders"):
        request_statistics(viewer=member, period=YEAR_2025, group_id=world.visitors.pk)


def test_an_applicant_for_leadership_is_not_yet_a_leader(world: Melhus) -> None:
    applicant = make_member(world.visitors, role=Role.LEADER, status=MembershipStatus.APPLIED).user

    with pytest.raises(PermissionDenied):
        request_statistics(viewer=applicant, period=YEAR_2025, group_id=world.visitors.pk)


def test_the_admin_sees_every_group_and_channel(world: Melhus) -> None:
    _spread_over_groups_and_categories(world)

    statistics = _admin_sees(world)

    assert statistics.totals.posted == 5
    assert {b.id for b in statistics.by_channel} == {world.home_care_channel.pk, world.neighbours_channel.pk}


# --- Bad input ---------------------------------------------------------------------------------


def _errors(world: Melhus, period: Period, **filters: Any) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as raised:
        _admin_sees(world, period, **filters)
    return raised.value.message_dict


def test_end_before_start_is_a_field_error(world: Melhus) -> None:
    assert _errors(world, Period(start=date(2025, 2, 1), end=date(2025, 1, 31))) == {
        "end": ["The end date must not be before the start date."]
    }


def test_a_period_is_at_most_three_years(world: Melhus) -> None:
    # Three whole years are fine; a day more is not
    _admin_sees(world, Period(start=date(2023, 1, 1), end=date(2025, 12, 31)))

    assert _errors(world, Period(start=date(2023, 1, 1), end=date(2026, 1, 1))) == {
        "end": ["A period can be at most 3 years long."]
    }


def test_unknown_bucket_and_ids_are_field_errors(world: Melhus) -> None:
    unknown = UUID(int=1)

    errors = _errors(world, YEAR_2025, bucket="year", group_id=unknown, channel_id=unknown, category_id=unknown)

    assert set(errors) == {"bucket"}  # the shape is checked before anything is looked up
    assert _errors(world, YEAR_2025, group_id=unknown, channel_id=unknown, category_id=unknown) == {
        "group": ["No such group."],
        "channel": ["No such channel."],
        "category": ["No such category."],
    }


# --- The API -----------------------------------------------------------------------------------


def test_api_gives_the_admin_the_figures(world: Melhus, in_melhus: Tenant) -> None:
    # Given Helsingborg's year in Melhus
    requests = _helsingborgs_year(world)
    _accepted_helpers(world, requests[:140], [UserFactory.create() for _ in range(12)])

    # When the admin asks the API for 2025 by month
    response = Api(in_melhus, world.admin).get(PATH, {"start": "2025-01-01", "end": "2025-12-31", "bucket": "month"})

    # Then the figures are the service's, durations in seconds
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["period"] == {"start": "2025-01-01", "end": "2025-12-31"}
    assert body["bucket"] == "month"
    assert body["totals"] == {
        "posted": 274,
        "agreed": 147,
        "open": 0,
        "in_agreement": 40,
        "completed": 100,
        "cancelled": 7,
        "expired": 127,
        "agreement_rate": 147 / 274,
        "expiry_rate": 127 / 274,
        "median_seconds_to_first_offer": 3600.0,
        "median_seconds_to_agreement": 10800.0,
        "active_helpers": 12,
    }
    assert [b["start"] for b in body["series"]] == [f"2025-{month:02}-01" for month in range(1, 13)]
    assert sum(b["posted"] for b in body["series"]) == 274
    # Each bucket carries what the dashboard draws: its requests' states now, expiry rate and time to agreement.
    for bucket in body["series"]:
        states = ("open", "in_agreement", "completed", "cancelled", "expired")
        assert sum(bucket[state] for state in states) == bucket["posted"]
        if bucket["posted"]:
            assert bucket["expiry_rate"] == bucket["expired"] / bucket["posted"]
    assert sum(b["in_agreement"] for b in body["series"]) == 40
    assert sum(b["cancelled"] for b in body["series"]) == 7
    assert {b["median_seconds_to_agreement"] for b in body["series"] if b["agreed"]} == {10800.0}
    assert body["by_channel"] == [
        {
            "id": str(world.home_care_channel.pk),
            "name": "Hjemmetjenesten → besøksvenner",
            "posted": 274,
            "agreed": 147,
            "expired": 127,
            "expiry_rate": 127 / 274,
        }
    ]
    assert body["by_category"][0]["id"] is None
    assert set(body["memberships"]) == {"applications", "approvals", "series"}


def test_api_answers_a_leader_for_their_group(world: Melhus, in_melhus: Tenant) -> None:
    _spread_over_groups_and_categories(world)
    leader = make_member(world.neighbours, role=Role.LEADER).user

    response = Api(in_melhus, leader).get(
        PATH, {"start": "2025-01-01", "end": "2025-12-31", "group": str(world.neighbours.pk)}
    )

    assert response.status_code == 200, response.content
    assert response.json()["totals"]["posted"] == 2


@pytest.mark.parametrize(
    ("params", "errors"),
    [
        pytest.param(
            {"start": "2025-02-01", "end": "2025-01-31"},
            {"end": ["The end date must not be before the start date."]},
            id="end-before-start",
        ),
        pytest.param({"start": "2025-02-30", "end": "2025-03-31"}, {"start"}, id="no-such-date"),
        pytest.param({"start": "1.2.2025", "end": "2025-03-31"}, {"start"}, id="not-iso"),
        pytest.param({"end": "2025-03-31"}, {"start"}, id="missing-start"),
        pytest.param({"start": "2025-01-01", "end": "2025-03-31", "bucket": "year"}, {"bucket"}, id="bucket"),
        pytest.param({"start": "2025-01-01", "end": "2025-03-31", "group": "7"}, {"group"}, id="group-not-a-uuid"),
    ],
)
def test_api_refuses_bad_input_with_field_messages(
    world: Melhus, in_melhus: Tenant, params: dict[str, str], errors: dict[str, list[str]] | set[str]
) -> None:
    response = Api(in_melhus, world.admin).get(PATH, params)

    assert response.status_code == 400
    body = response.json()
    if isinstance(errors, dict):
        assert body == errors
    else:
        assert set(body) == errors
        assert all(isinstance(message, str) and message for messages in body.values() for message in messages)


def test_api_tells_an_admin_an_unknown_group(world: Melhus, in_melhus: Tenant) -> None:
    response = Api(in_melhus, world.admin).get(
        PATH, {"start": "2025-01-01", "end": "2025-01-31", "group": "00000000-0000-0000-0000-000000000001"}
    )

    assert response.status_code == 400
    assert response.json() == {"group": ["No such group."]}


def test_api_refuses_a_member(world: Melhus, in_melhus: Tenant) -> None:
    member = make_member(world.visitors, UserFactory.create(language="en")).user

    response = Api(in_melhus, member).get(
        PATH, {"start": "2025-01-01", "end": "2025-12-31", "group": str(world.visitors.pk)}
    )

    assert response.status_code == 403
    assert response.json() == {"detail": "Only the tenant's admins and group leaders may see statistics."}


def test_api_refuses_anonymous_people(in_melhus: Tenant) -> None:
    response = Api(in_melhus).get(PATH, {"start": "2025-01-01", "end": "2025-12-31"})

    assert response.status_code == 401


def test_red_cross_gets_nothing_of_melhus_requests(world: Melhus, melhus: Tenant, red_cross: Tenant) -> None:
    # Given Melhus' year and a Red Cross admin with a valid token at home
    _helsingborgs_year(world)
    with in_schema(red_cross.schema_name):
        rc_admin = UserFactory.create(is_tenant_admin=True, language="en")
        rc_on_melhus = Api(melhus, rc_admin)
        rc_at_home = Api(red_cross, token=rc_on_melhus.headers["HTTP_AUTHORIZATION"].split()[1])
    year = {"start": "2025-01-01", "end": "2025-12-31"}

    # When the token is shown to Melhus' host, it opens nothing
    assert rc_on_melhus.get(PATH, year).status_code == 401

    # When the Red Cross admin asks their own host, they see none of Melhus' requests
    at_home = rc_at_home.get(PATH, year)
    assert at_home.status_code == 200
    assert at_home.json()["totals"]["posted"] == 0
    assert at_home.json()["by_channel"] == []
    assert world.home_care_channel.name not in at_home.content.decode()
    # ...and Melhus' ids name nothing there
    with_melhus_ids = rc_at_home.get(
        PATH, {**year, "group": str(world.home_care.pk), "channel": str(world.home_care_channel.pk)}
    )
    assert with_melhus_ids.status_code == 400
    assert with_melhus_ids.json() == {"group": ["No such group."], "channel": ["No such channel."]}
