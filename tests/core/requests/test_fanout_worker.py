"""A real Celery worker and Redis fan a posted request out to every eligible member, once each."""

import os
from collections.abc import Iterator

import pytest
from celery.contrib.testing.worker import start_worker
from django.utils import timezone
from pytest_django import DjangoDbBlocker

from core.celery import app
from core.messaging.models import OutboxMessage
from core.notifications.models import Notification
from core.requests import services
from core.requests.models import HelpRequest
from tenants.db import use_public_schema
from tenants.models import Tenant
from tenants.services import provision_tenant
from tests.conftest import in_schema
from tests.core.messaging.conftest import wait_until
from tests.factories import UserFactory, make_member

from .conftest import build_scene

SLUG = "fanout-test"


@pytest.fixture
def committed_tenant(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[Tenant]:
    """A tenant of its own, committed for real so the worker thread sees its rows; dropped afterwards."""
    with django_db_blocker.unblock():
        tenant = provision_tenant(
            slug=SLUG, name="Fan-out", kind="municipality", country="NO", language="nb", org_number="964965137"
        )
        try:
            yield tenant
        finally:
            use_public_schema()
            for made in Tenant.objects.filter(slug=SLUG):
                made.delete(force_drop=True)


def test_posting_returns_at_once_and_the_worker_tells_every_eligible_member_once(committed_tenant: Tenant) -> None:
    assert os.environ.get("REDIS_URL"), "the worker tests need a real Redis: run them through infra/test"
    with in_schema(committed_tenant.schema_name):
        scene = build_scene()
        for _ in range(120):
            make_member(scene.volunteers, UserFactory.create(email=""))
        eligible = 123  # two volunteers, the leader and the 120 above
        with start_worker(app, pool="solo", perform_ping_check=False, loglevel="WARNING", shutdown_timeout=30):
            request = services.do_post_request(actor=scene.nurse, channel=scene.channel, title="Snømåking")
            # The poster's call does not tell anyone itself; the worker does, after commit.
            assert wait_until(lambda: HelpRequest.objects.get(pk=request.pk).fanout_done_at is not None)
        told = Notification.objects.filter(key=f"request:{request.pk}")
        assert told.count() == eligible
        assert not told.filter(user__in=[scene.nurse, scene.other_nurse, scene.outsider]).exists()
        outbox = OutboxMessage.objects.filter(kind="new_request")
        assert outbox.count() == eligible
        # A duplicate of the task, run again later, tells nobody twice.
        HelpRequest.objects.filter(pk=request.pk).update(fanout_done_at=None)
        services.do_fan_out(request_id=request.pk)
        assert told.count() == eligible
        assert outbox.count() == eligible
        done = HelpRequest.objects.get(pk=request.pk).fanout_done_at
        assert done is not None
        assert done <= timezone.now()
