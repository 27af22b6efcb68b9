"""Background tasks of requests, notifications and announcements act only in the schema they run in.

A task carries ids; run in one tenant with another tenant's ids, it finds nothing and changes nothing.
"""

import pytest

from core.announcements import tasks as announcement_tasks
from core.announcements.models import Announcement
from core.groups.models import Role
from core.messaging.models import OutboxMessage
from core.notifications import tasks as notification_tasks
from core.notifications.events import Channel, Event
from core.notifications.models import Notification, NotificationPreference
from core.notifications.services import Message, notify
from core.requests import services
from core.requests import tasks as request_tasks
from core.requests.models import HelpRequest
from tenants.models import Tenant
from tests.conftest import in_schema
from tests.factories import UserFactory, make_group, make_member

from .requests.conftest import build_scene

pytestmark = pytest.mark.django_db


def test_a_fan_out_task_with_another_tenants_request_tells_nobody(melhus: Tenant, red_cross: Tenant) -> None:
    with in_schema(red_cross.schema_name):
        theirs = build_scene()
        request = services.do_post_request(actor=theirs.nurse, channel=theirs.channel, title="Handle")
    with in_schema(melhus.schema_name):
        build_scene()
        assert request_tasks.notify_new_request.run(str(request.pk)) == 0
        assert request_tasks.notify_new_request.run("not-an-id") == 0
        assert not Notification.objects.exists()
    with in_schema(red_cross.schema_name):
        assert HelpRequest.objects.get(pk=request.pk).fanout_done_at is None
        assert not Notification.objects.exists()


def test_the_digest_of_one_tenant_leaves_another_tenants_digest_waiting(melhus: Tenant, red_cross: Tenant) -> None:
    with in_schema(red_cross.schema_name):
        reader = UserFactory.create(email="reader@example.org")
        NotificationPreference.objects.create(user=reader, event=Event.THANKS, channel=Channel.DIGEST)
        notify(event=Event.THANKS, user=reader, key="t", render=lambda: Message(subject="Takk", body="Takk!"))
    with in_schema(melhus.schema_name):
        assert notification_tasks.send_digests.run() == 0
    with in_schema(red_cross.schema_name):
        assert Notification.objects.get().digest_sent_at is None
        assert not OutboxMessage.objects.exists()


def test_an_announcement_task_with_another_tenants_id_tells_nobody(melhus: Tenant, red_cross: Tenant) -> None:
    with in_schema(red_cross.schema_name):
        group = make_group("Vakt")
        leader = make_member(group, role=Role.LEADER).user
        make_member(group)
        announcement = Announcement.objects.create(group=group, author=leader, title="Intern", body="Hemmelig")
    with in_schema(melhus.schema_name):
        assert announcement_tasks.notify.run(str(announcement.pk)) == 0
    with in_schema(red_cross.schema_name):
        assert not Notification.objects.exists()
