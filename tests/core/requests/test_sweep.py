"""The periodic sweep: expiry, reminders and lost fan-outs, in one tenant, safe to run twice."""

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from core.notifications.models import Notification
from core.requests import services
from core.requests.models import HelpRequest, OfferStatus, RequestState, Timing
from core.requests.sweep import do_sweep_requests
from tenants.models import Tenant
from tests.conftest import in_schema

from .conftest import Scene, build_scene

pytestmark = pytest.mark.django_db


def _post(scene: Scene, **fields: Any) -> HelpRequest:
    return services.do_post_request(
        actor=scene.nurse, channel=scene.channel, title="Handle", client=scene.client, **fields
    )


def _age(request: HelpRequest, **changes: Any) -> None:
    HelpRequest.objects.filter(pk=request.pk).update(**changes)


def test_overdue_open_requests_expire_once_and_the_poster_is_told(
    scene: Scene, django_capture_on_commit_callbacks: Any
) -> None:
    overdue = _post(scene)
    offer = services.do_offer(actor=scene.volunteer, request=overdue)
    fresh = _post(scene)
    _age(overdue, expires_at=timezone.now() - timedelta(minutes=1), fanout_done_at=timezone.now())
    _age(fresh, fanout_done_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        first = do_sweep_requests()
    with django_capture_on_commit_callbacks(execute=True):
        second = do_sweep_requests()
    assert (first.expired, second.expired) == (1, 0)
    overdue.refresh_from_db()
    fresh.refresh_from_db()
    offer.refresh_from_db()
    assert (overdue.state, fresh.state) == (RequestState.EXPIRED, RequestState.OPEN)
    assert overdue.closed_at is not None
    assert offer.status == OfferStatus.DECLINED
    told = Notification.objects.filter(key=f"request:{overdue.pk}:closed")
    assert set(told.values_list("user_id", flat=True)) == {scene.nurse.pk, scene.other_nurse.pk}


def test_an_overdue_request_with_some_helpers_goes_ahead_with_them(scene: Scene) -> None:
    request = _post(scene, helpers_needed=3)
    offer = services.do_offer(actor=scene.volunteer, request=request)
    services.do_accept_offer(actor=scene.nurse, offer=offer)
    _age(request, expires_at=timezone.now() - timedelta(minutes=1), fanout_done_at=timezone.now())
    report = do_sweep_requests()
    request.refresh_from_db()
    assert (report.agreed_short, request.state) == (1, RequestState.AGREED)


def test_the_poster_is_reminded_once_before_expiry(scene: Scene, django_capture_on_commit_callbacks: Any) -> None:
    request = _post(scene)
    _age(request, expires_at=timezone.now() + timedelta(hours=3), fanout_done_at=timezone.now())
    assert do_sweep_requests().reminded_posters == 1
    assert do_sweep_requests().reminded_posters == 0
    assert Notification.objects.filter(key=f"request:{request.pk}:expiring", user=scene.nurse).count() == 1


def test_accepted_helpers_are_reminded_the_day_before(scene: Scene) -> None:
    request = _post(scene, timing=Timing.AT, starts_at=timezone.now() + timedelta(hours=20))
    offer = services.do_offer(actor=scene.volunteer, request=request)
    services.do_accept_offer(actor=scene.nurse, offer=offer)
    _age(request, fanout_done_at=timezone.now())
    assert do_sweep_requests().reminded_helpers == 1
    assert do_sweep_requests().reminded_helpers == 0
    assert Notification.objects.filter(key=f"offer:{offer.pk}:reminder", user=scene.volunteer).count() == 1


def test_a_lost_fan_out_is_redone_and_tells_nobody_twice(scene: Scene) -> None:
    request = _post(scene)
    _age(request, created_at=timezone.now() - timedelta(minutes=10))
    assert do_sweep_requests().fanned_out == 1
    told = set(Notification.objects.filter(key=f"request:{request.pk}").values_list("user_id", flat=True))
    assert told == {scene.volunteer.pk, scene.second_volunteer.pk, scene.leader.pk}
    # A late duplicate of the original task changes nothing.
    assert services.do_fan_out(request_id=request.pk) == 0
    assert Notification.objects.filter(key=f"request:{request.pk}").count() == 3
    assert do_sweep_requests().fanned_out == 0


def test_the_sweep_of_one_tenant_leaves_another_alone(melhus: Tenant, red_cross: Tenant) -> None:
    with in_schema(red_cross.schema_name):
        theirs = build_scene()
        request = _post(theirs)
        _age(request, expires_at=timezone.now() - timedelta(minutes=1), fanout_done_at=timezone.now())
    with in_schema(melhus.schema_name):
        assert do_sweep_requests().expired == 0
    with in_schema(red_cross.schema_name):
        request.refresh_from_db()
        assert request.state == RequestState.OPEN
