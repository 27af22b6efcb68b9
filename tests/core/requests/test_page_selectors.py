"""Reads the web pages need: my offer on each request, where I may post, whom staff may offer for."""

from typing import Any

import pytest

from core.groups.models import Channel, Role
from core.requests import services
from core.requests.models import HelpRequest
from core.requests.selectors import channels_to_post_in, feed_for, residents_for_offer, with_my_offer
from tests.core.requests.conftest import Scene
from tests.factories import UserFactory, make_group, make_member

pytestmark = pytest.mark.django_db


def _post(scene: Scene, title: str = "Escort") -> HelpRequest:
    return services.do_post_request(actor=scene.nurse, channel=scene.channel, title=title, client=scene.client)


def test_with_my_offer_marks_my_live_offer_in_one_query(scene: Scene, django_assert_num_queries: Any) -> None:
    # Given three requests: one I offered on and was accepted, one waiting, one I withdrew from
    accepted, waiting, withdrawn, untouched = (_post(scene, title) for title in ("a", "b", "c", "d"))
    services.do_accept_offer(actor=scene.nurse, offer=services.do_offer(actor=scene.volunteer, request=accepted))
    services.do_offer(actor=scene.volunteer, request=waiting)
    services.do_withdraw_offer(actor=scene.volunteer, offer=services.do_offer(actor=scene.volunteer, request=withdrawn))
    services.do_offer(actor=scene.second_volunteer, request=untouched)

    with django_assert_num_queries(1):
        rows = with_my_offer(HelpRequest.objects.all(), user=scene.volunteer)
        status = {row.title: row.my_offer_status for row in rows}  # type: ignore[attr-defined]

    assert status == {"a": "accepted", "b": "pending", "c": None, "d": None}


def test_with_my_offer_counts_offers_made_for_a_resident(scene: Scene) -> None:
    staff = make_member(scene.volunteers, UserFactory.create(), role=Role.STAFF).user
    request = _post(scene)
    services.do_offer(actor=staff, request=request, on_behalf_of=scene.second_volunteer)

    feed = with_my_offer(feed_for(member=staff), user=staff)

    assert [row.my_offer_status for row in feed] == ["pending"]  # type: ignore[attr-defined]


def test_admins_may_post_in_every_open_channel_with_a_publishing_group(scene: Scene) -> None:
    Channel.objects.create(name="Nobody publishes here")
    archived = Channel.objects.create(name="Old", archived_at="2026-01-01T00:00Z")
    archived.publishing_groups.add(scene.home_care)

    assert list(channels_to_post_in(scene.admin)) == [scene.channel]
    assert list(channels_to_post_in(scene.nurse)) == [scene.channel]
    assert list(channels_to_post_in(scene.volunteer)) == []


def test_staff_may_offer_for_qualified_members_of_the_groups_they_staff(scene: Scene) -> None:
    staff = make_member(scene.volunteers, UserFactory.create(name="Siri Staff"), role=Role.STAFF).user
    elsewhere = make_member(make_group("Andre"), UserFactory.create(name="Ella Elsewhere")).user
    request = _post(scene)

    residents = residents_for_offer(user=staff, request=request)

    names = [resident.name for resident in residents]
    assert names == ["Lea Leader", "Sven Second", "Vera Volunteer"]
    assert elsewhere not in residents
    # A member who is not staff gets no one, and neither does the nurse on her own request
    assert residents_for_offer(user=scene.volunteer, request=request) == []
    assert residents_for_offer(user=scene.nurse, request=request) == []
