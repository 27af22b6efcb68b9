"""Each person told by their chosen channel, in their language, outside quiet hours, never twice."""

from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from django.utils.translation import gettext as _

from core.accounts.models import User
from core.messaging.models import Medium, OutboxMessage
from core.notifications.events import Channel, Event
from core.notifications.models import Notification, NotificationPreference, QuietHours
from core.notifications.services import Message, do_send_digests, notify, notify_many, quiet_until
from tenants.models import Tenant
from tests.conftest import Api, in_schema
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
OSLO = ZoneInfo("Europe/Oslo")


def _render() -> Message:
    # "Cancel" is in every catalog, so the language of the recipient shows in the text.
    return Message(subject="S", body=_("Cancel"), url="https://melhus.example/r/1")


def test_defaults_channels_and_fallbacks(in_melhus: Tenant) -> None:
    sms = UserFactory.create()
    by_email = UserFactory.create(email="e@example.org")
    no_email = UserFactory.create(email="")
    silent = UserFactory.create()
    NotificationPreference.objects.create(user=by_email, event=Event.NEW_OFFER, channel=Channel.EMAIL)
    NotificationPreference.objects.create(user=no_email, event=Event.NEW_OFFER, channel=Channel.EMAIL)
    NotificationPreference.objects.create(user=silent, event=Event.NEW_OFFER, channel=Channel.NONE)
    told = notify_many(
        event=Event.NEW_OFFER, user_ids=[u.pk for u in (sms, by_email, no_email, silent)], key="k", render=_render
    )
    assert told == 4
    media = dict(OutboxMessage.objects.values_list("recipient_id", "medium"))
    assert media == {sms.pk: Medium.SMS, by_email.pk: Medium.EMAIL, no_email.pk: Medium.SMS}
    assert OutboxMessage.objects.get(recipient=by_email).to == "e@example.org"
    assert "https://melhus.example/r/1" in OutboxMessage.objects.get(recipient=sms).body


def test_inactive_people_and_people_without_any_address_are_skipped(in_melhus: Tenant) -> None:
    inactive = UserFactory.create(is_active=False)
    unreachable = UserFactory.create(email="")
    User.objects.filter(pk=unreachable.pk).update(phone="")
    told = notify_many(event=Event.NEW_OFFER, user_ids=[inactive.pk, unreachable.pk], key="k", render=_render)
    assert told == 1
    assert Notification.objects.get().channel == Channel.NONE
    assert not OutboxMessage.objects.exists()


def test_nothing_is_sent_twice(in_melhus: Tenant) -> None:
    users = [UserFactory.create() for _ in range(3)]
    assert (
        notify_many(event=Event.NEW_REQUEST, user_ids=[u.pk for u in users[:2]], key="request:1", render=_render) == 2
    )
    # A re-run after a crash half-way, with everyone: only the one not yet told.
    assert notify_many(event=Event.NEW_REQUEST, user_ids=[u.pk for u in users], key="request:1", render=_render) == 1
    notify(event=Event.NEW_REQUEST, user=users[0], key="request:1", render=_render)
    assert OutboxMessage.objects.count() == 3
    assert Notification.objects.count() == 3
    # Another occurrence is another notice.
    notify(event=Event.NEW_REQUEST, user=users[0], key="request:2", render=_render)
    assert OutboxMessage.objects.count() == 4


def test_each_recipient_reads_their_own_language(in_melhus: Tenant) -> None:
    nb = UserFactory.create(language="nb")
    sv = UserFactory.create(language="sv")
    en = UserFactory.create(language="en")
    notify_many(event=Event.NEW_REQUEST, user_ids=[nb.pk, sv.pk, en.pk], key="k", render=_render)
    bodies = dict(OutboxMessage.objects.values_list("recipient_id", "body"))
    assert bodies[nb.pk].startswith("Avbryt")
    assert bodies[sv.pk].startswith("Avbryt")
    assert bodies[en.pk].startswith("Cancel")


def test_a_large_fan_out_costs_a_few_queries_per_batch(in_melhus: Tenant, django_assert_max_num_queries: Any) -> None:
    users = User.objects.bulk_create([User(phone=f"+4745{n:06d}", name=f"M {n}") for n in range(2500)])
    with django_assert_max_num_queries(3 * 8):
        told = notify_many(event=Event.NEW_REQUEST, user_ids=[u.pk for u in users], key="big", render=_render)
    assert told == 2500
    assert OutboxMessage.objects.filter(kind=Event.NEW_REQUEST).count() == 2500


@pytest.mark.parametrize(
    ("local", "until"),
    [
        (datetime(2026, 12, 7, 23, 30, tzinfo=OSLO), datetime(2026, 12, 8, 7, 0, tzinfo=OSLO)),
        (datetime(2026, 12, 8, 6, 59, tzinfo=OSLO), datetime(2026, 12, 8, 7, 0, tzinfo=OSLO)),
        (datetime(2026, 12, 8, 7, 0, tzinfo=OSLO), None),
        (datetime(2026, 12, 8, 12, 0, tzinfo=OSLO), None),
    ],
)
def test_quiet_hours_cross_midnight(local: datetime, until: datetime | None) -> None:
    assert quiet_until(start=time(22), end=time(7), now=local) == until


def test_a_message_in_quiet_hours_waits_until_they_end(in_melhus: Tenant) -> None:
    user = UserFactory.create()
    now = timezone.localtime()
    start = (now - timedelta(hours=1)).time().replace(second=0, microsecond=0)
    end = (now + timedelta(hours=2)).time().replace(second=0, microsecond=0)
    QuietHours.objects.create(user=user, start=start, end=end)
    notify(event=Event.NEW_MESSAGE, user=user, key="m", render=_render)
    waiting = OutboxMessage.objects.get(recipient=user)
    assert waiting.next_attempt_at > timezone.now() + timedelta(hours=1)


def test_the_digest_collects_once(in_melhus: Tenant) -> None:
    reader = UserFactory.create(email="reader@example.org")
    NotificationPreference.objects.create(user=reader, event=Event.ANNOUNCEMENT, channel=Channel.DIGEST)
    for n in range(3):
        notify(event=Event.ANNOUNCEMENT, user=reader, key=f"a:{n}", render=_render)
    assert not OutboxMessage.objects.exists()
    assert do_send_digests() == 1
    assert do_send_digests() == 0
    digest = OutboxMessage.objects.get()
    assert (digest.kind, digest.to, digest.body.count("\n")) == ("digest", "reader@example.org", 2)


def test_preferences_api(in_melhus: Tenant) -> None:
    user = UserFactory.create(email="me@example.org", language="en")
    api = Api(in_melhus, user)
    shown = api.get("me/notifications/").json()
    assert {e["event"] for e in shown["events"]} == set(Event.values)
    assert next(e for e in shown["events"] if e["event"] == "thanks") == {
        "event": "thanks",
        "label": "thanks for my help",
        "channel": "digest",
    }
    assert (shown["quiet_start"], shown["quiet_end"]) == (None, None)
    assert next(e for e in shown["events"] if e["event"] == "new_request")["channel"] == "sms"
    changed = api.put(
        "me/notifications/",
        {"events": [{"event": "new_request", "channel": "digest"}], "quiet_start": "22:00", "quiet_end": "07:00"},
    )
    assert changed.status_code == 200, changed.json()
    assert next(e for e in changed.json()["events"] if e["event"] == "new_request")["channel"] == "digest"
    assert (changed.json()["quiet_start"], changed.json()["quiet_end"]) == ("22:00:00", "07:00:00")
    bad = api.put("me/notifications/", {"events": [{"event": "new_request", "channel": "pigeon"}]})
    assert bad.status_code == 400
    assert "events" in bad.json()
    unknown = api.put("me/notifications/", {"events": [{"event": "carrier_pigeon", "channel": "sms"}]})
    assert unknown.status_code == 400
    half = api.put("me/notifications/", {"quiet_start": "22:00"})
    assert half.status_code == 400
    assert "quiet_hours" in half.json()
    assert NotificationPreference.objects.get(user=user).channel == "digest"
    assert QuietHours.objects.get(user=user).start == time(22)


def test_preferences_of_another_tenant_are_out_of_reach(melhus: Tenant, red_cross: Tenant) -> None:
    with in_schema(red_cross.schema_name):
        victim = UserFactory.create(email="v@example.org")
        NotificationPreference.objects.create(user=victim, event=Event.NEW_REQUEST, channel=Channel.NONE)
    with in_schema(melhus.schema_name):
        attacker = UserFactory.create()
        api = Api(melhus, attacker)
    api.put("me/notifications/", {"events": [{"event": "new_request", "channel": "sms"}]})
    token = api.headers["HTTP_AUTHORIZATION"].removeprefix("Token ")
    assert Api(red_cross, token=token).get("me/notifications/").status_code == 401
    with in_schema(red_cross.schema_name):
        assert NotificationPreference.objects.get(user=victim).channel == Channel.NONE
