"""The dashboard's extra figures: states and medians per bucket, requests open now, and each group's share."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied
from pytest_django import DjangoAssertNumQueries

from core.groups.models import Channel, Role
from core.requests.models import HelpRequest, RequestState
from core.requests.statistics import Period, group_breakdown, open_requests_now, request_statistics
from tests.core.requests.conftest import Scene
from tests.factories import make_group, make_member

pytestmark = pytest.mark.django_db

OSLO = ZoneInfo("Europe/Oslo")
MARCH = Period(start=date(2026, 3, 1), end=date(2026, 3, 31))


def _post(
    scene: Scene,
    day: int,
    state: RequestState,
    *,
    agreed_after: timedelta | None = None,
    channel: Channel | None = None,
) -> HelpRequest:
    created = datetime(2026, 3, day, 10, tzinfo=OSLO)
    return HelpRequest.objects.create(
        channel=channel or scene.channel,
        poster_group=scene.home_care,
        posted_by=scene.nurse,
        title="Handling",
        state=state,
        created_at=created,
        expires_at=created + timedelta(days=3),
        agreed_at=created + agreed_after if agreed_after else None,
    )


def test_each_bucket_counts_current_states_and_its_median_time_to_agreement(scene: Scene) -> None:
    # Given in the week of 2 March: one open, one agreed after 2 h, one completed after 4 h, one cancelled, one expired
    _post(scene, 2, RequestState.OPEN)
    _post(scene, 3, RequestState.AGREED, agreed_after=timedelta(hours=2))
    _post(scene, 4, RequestState.COMPLETED, agreed_after=timedelta(hours=4))
    _post(scene, 5, RequestState.CANCELLED)
    _post(scene, 6, RequestState.EXPIRED)

    figures = request_statistics(viewer=scene.admin, period=MARCH, bucket="week")
    week = next(bucket for bucket in figures.series if bucket.start == date(2026, 3, 2))
    empty = next(bucket for bucket in figures.series if bucket.start == date(2026, 3, 9))

    # Then the five states add up to what was posted, the median lies between 2 h and 4 h
    assert (week.open, week.in_agreement, week.completed, week.cancelled, week.expired) == (1, 1, 1, 1, 1)
    assert week.open + week.in_agreement + week.completed + week.cancelled + week.expired == week.posted == 5
    assert week.median_time_to_agreement == timedelta(hours=3)
    assert week.expiry_rate == pytest.approx(0.2)
    assert (empty.posted, empty.median_time_to_agreement, empty.expiry_rate) == (0, None, None)


def test_open_now_counts_every_open_request_whenever_posted(scene: Scene) -> None:
    _post(scene, 2, RequestState.OPEN)
    _post(scene, 3, RequestState.OPEN)
    _post(scene, 4, RequestState.EXPIRED)
    other = Channel.objects.create(name="Annet")
    other.publishing_groups.add(make_group("Andre"))
    other.answering_groups.add(make_group("Hjelpere"))
    _post(scene, 5, RequestState.OPEN, channel=other)

    assert open_requests_now(viewer=scene.admin) == 3
    assert open_requests_now(viewer=scene.leader, group_id=scene.volunteers.pk) == 2
    with pytest.raises(PermissionDenied):
        open_requests_now(viewer=scene.leader)
    with pytest.raises(PermissionDenied):
        open_requests_now(viewer=scene.volunteer, group_id=scene.volunteers.pk)


def test_each_group_counts_its_posts_and_its_channels_requests_in_one_query(
    scene: Scene, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    # Given home care posts into the channel the volunteers answer; chess takes part in nothing
    _post(scene, 2, RequestState.EXPIRED)
    _post(scene, 3, RequestState.COMPLETED, agreed_after=timedelta(hours=1))
    _post(scene, 3, RequestState.OPEN)
    for number in range(10):
        make_group(f"Zz {number}")

    with django_assert_max_num_queries(1):
        rows = group_breakdown(viewer=scene.admin, period=MARCH)
    by_name = {row.name: row for row in rows}

    assert (by_name["Hjemmetjenesten"].posted, by_name["Hjemmetjenesten"].agreed) == (3, 1)
    assert (by_name["Frivillige"].posted, by_name["Frivillige"].expired) == (3, 1)
    assert by_name["Frivillige"].expiry_rate == pytest.approx(1 / 3)
    assert (by_name["Sjakk"].posted, by_name["Sjakk"].expiry_rate) == (0, None)
    assert [row.name for row in rows] == sorted(row.name for row in rows)
    # and agrees with the group filter of the statistics
    figures = request_statistics(viewer=scene.admin, period=MARCH, group_id=scene.volunteers.pk)
    assert figures.totals.posted == by_name["Frivillige"].posted


def test_a_leader_sees_only_the_groups_they_lead(scene: Scene) -> None:
    _post(scene, 2, RequestState.OPEN)
    make_member(scene.home_care, scene.leader, role=Role.MEMBER)

    rows = group_breakdown(viewer=scene.leader, period=MARCH)

    assert [row.name for row in rows] == ["Frivillige"]
    with pytest.raises(PermissionDenied):
        group_breakdown(viewer=scene.nurse, period=MARCH)
