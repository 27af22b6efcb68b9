"""Tell people about events by the channel each chose, outside their quiet hours, never twice.

`notify` and `notify_many` take a `render` callable that builds the text; it is called with the
recipient's language active, once per language, so 10,000 recipients cost a handful of queries per
batch of 1,000: their users, preferences, quiet hours, one INSERT … ON CONFLICT DO NOTHING RETURNING
of the notification rows, one bulk insert of outbox rows. A person whose (event, key) row already
exists is skipped, so a re-run after a crash, a duplicate task or a second sweep sends nothing twice.

Defaults (core/notifications/events.py DEFAULTS), for a person who has chosen nothing: SMS for
everything that concerns them directly or needs acting on soon (new requests they can help with,
offers, acceptances, declines, cancellations, messages, reminders, expiring and expired requests,
moderation); the daily e-mail digest for what can wait (thanks, announcements).

E-mail and the digest need an e-mail address: without one the person gets an SMS instead, and
without a phone number either nothing is sent. Inactive people are skipped altogether.

Quiet hours are local wall-clock times in settings.TIME_ZONE and may cross midnight (22:00-07:00):
an SMS or e-mail due inside them is written now with next_attempt_at at their end, and handed to
the worker with that countdown; the outbox's sweep picks it up too if the task is lost.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.accounts.models import User
from core.messaging.models import Medium, OutboxMessage
from core.messaging.outbox import enqueue_email, enqueue_many

from .events import DEFAULTS, Channel, Event
from .models import Notification, NotificationPreference, QuietHours


@dataclass(frozen=True)
class Message:
    subject: str
    body: str
    url: str = ""


def quiet_until(*, start: time, end: time, now: datetime) -> datetime | None:
    """When the quiet hours containing `now` end (local time), or None outside them. May cross midnight."""
    local = timezone.localtime(now, ZoneInfo(settings.TIME_ZONE))
    moment = local.time()
    inside = start <= moment < end if start < end else (moment >= start or moment < end)
    if not inside or start == end:
        return None
    ends = local.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
    if ends <= local:
        ends += timedelta(days=1)
    return ends


def channel_for(*, event: Event | str, user: User, chosen: str | None) -> str:
    """The channel that reaches the person: their choice or the default, falling back to what they have."""
    channel = chosen or DEFAULTS[event]
    if channel in (Channel.EMAIL, Channel.DIGEST) and not user.email:
        channel = Channel.SMS
    if channel == Channel.SMS and not user.phone:
        return Channel.NONE
    return channel


def _insert_new(rows: Sequence[tuple[UUID, str, str, str, str, str, str]], *, now: datetime) -> set[UUID]:
    """Insert notification rows; return the users whose row is new (conflicts are people already told)."""
    if not rows:
        return set()
    table = Notification._meta.db_table
    values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s)"] * len(rows))
    params: list[Any] = []
    for row in rows:
        params.extend([*row, now])
    sql = (
        f'INSERT INTO "{table}" (user_id, event, key, channel, subject, body, url, created_at) '  # noqa: S608
        f"VALUES {values} ON CONFLICT (user_id, event, key) DO NOTHING RETURNING user_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {row[0] for row in cursor.fetchall()}


def _sms_text(message: Message) -> str:
    return f"{message.body} {message.url}".strip()


def _email_text(message: Message) -> str:
    return f"{message.body}\n\n{message.url}".strip()


@transaction.atomic
def _notify_batch(*, event: Event, user_ids: list[UUID], key: str, render: Callable[[], Message]) -> int:
    now = timezone.now()
    users = list(User.objects.filter(pk__in=user_ids, is_active=True).only("id", "phone", "email", "language"))
    chosen = dict(
        NotificationPreference.objects.filter(user_id__in=user_ids, event=event).values_list("user_id", "channel")
    )
    quiet = {q.user_id: q for q in QuietHours.objects.filter(user_id__in=user_ids)}
    texts: dict[str, Message] = {}
    rows = []
    plan: dict[UUID, tuple[User, str, Message]] = {}
    for user in users:
        if user.language not in texts:
            with translation.override(user.language):
                texts[user.language] = render()
        message = texts[user.language]
        channel = channel_for(event=event, user=user, chosen=chosen.get(user.pk))
        plan[user.pk] = (user, channel, message)
        rows.append((user.pk, str(event), key, channel, message.subject[:200], message.body, message.url[:300]))
    new = _insert_new(rows, now=now)
    outbox: list[OutboxMessage] = []
    for user_id in new:
        user, channel, message = plan[user_id]
        if channel not in (Channel.SMS, Channel.EMAIL):
            continue
        hours = quiet.get(user_id)
        due = quiet_until(start=hours.start, end=hours.end, now=now) if hours else None
        common = {"kind": str(event), "recipient": user, "next_attempt_at": due or now}
        if channel == Channel.SMS:
            outbox.append(OutboxMessage(medium=Medium.SMS, to=user.phone, body=_sms_text(message), **common))
        else:
            outbox.append(
                OutboxMessage(
                    medium=Medium.EMAIL,
                    to=user.email,
                    subject=message.subject[:200],
                    body=_email_text(message),
                    **common,
                )
            )
    if outbox:
        enqueue_many(outbox)
    return len(new)


def notify_many(
    *, event: Event, user_ids: Iterable[UUID], key: str, render: Callable[[], Message], batch_size: int = 1000
) -> int:
    """Tell these people of one occurrence; return how many were told now (not before). Each batch commits."""
    ids = list(dict.fromkeys(user_ids))
    told = 0
    for start in range(0, len(ids), batch_size):
        told += _notify_batch(event=event, user_ids=ids[start : start + batch_size], key=key, render=render)
    return told


def notify(*, event: Event, user: User, key: str, render: Callable[[], Message]) -> None:
    """Tell one person of one occurrence, by their channel; a second call for the same key does nothing."""
    _notify_batch(event=event, user_ids=[user.pk], key=key, render=render)


# --- Preferences --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Preferences:
    channels: dict[str, str]
    quiet_start: time | None
    quiet_end: time | None


def preferences_of(user: User) -> Preferences:
    channels = dict(DEFAULTS)
    channels.update(dict(NotificationPreference.objects.filter(user=user).values_list("event", "channel")))
    quiet = QuietHours.objects.filter(user=user).first()
    return Preferences(
        channels={event: channels[event] for event in Event.values},
        quiet_start=quiet.start if quiet else None,
        quiet_end=quiet.end if quiet else None,
    )


@transaction.atomic
def do_set_preferences(
    *, user: User, channels: dict[str, str], quiet_start: time | None, quiet_end: time | None
) -> Preferences:
    """Change some events' channels and the quiet hours (both times, or neither to have none)."""
    from django.core.exceptions import ValidationError

    errors: dict[str, str] = {}
    for event, channel in channels.items():
        if event not in Event.values:
            errors[event] = _("Unknown event.")
        elif channel not in Channel.values:
            errors[event] = _("Choose SMS, e-mail, the daily digest or none.")
        elif channel in (Channel.EMAIL, Channel.DIGEST) and not user.email:
            errors[event] = _("Add an e-mail address to your profile first.")
    if (quiet_start is None) != (quiet_end is None):
        errors["quiet_hours"] = _("Give both the start and the end of the quiet hours, or neither.")
    elif quiet_start is not None and quiet_start == quiet_end:
        errors["quiet_hours"] = _("The quiet hours must end at another time than they start.")
    if errors:
        raise ValidationError(errors)
    for event, channel in channels.items():
        NotificationPreference.objects.update_or_create(user=user, event=event, defaults={"channel": channel})
    if quiet_start is None or quiet_end is None:
        QuietHours.objects.filter(user=user).delete()
    else:
        QuietHours.objects.update_or_create(user=user, defaults={"start": quiet_start, "end": quiet_end})
    return preferences_of(user)


# --- The daily digest ---------------------------------------------------------------------------


def do_send_digests() -> int:
    """One e-mail per person with everything waiting for their digest; safe to run twice."""
    user_ids = (
        Notification.objects.filter(channel=Channel.DIGEST, digest_sent_at__isnull=True)
        .values_list("user_id", flat=True)
        .distinct()
    )
    sent = 0
    for user_id in list(user_ids):
        with transaction.atomic():
            waiting = list(
                Notification.objects.select_for_update(skip_locked=True)
                .filter(user_id=user_id, channel=Channel.DIGEST, digest_sent_at__isnull=True)
                .order_by("created_at")
            )
            user = User.objects.filter(pk=user_id, is_active=True).first()
            if not waiting:
                continue
            now = timezone.now()
            Notification.objects.filter(pk__in=[n.pk for n in waiting]).update(digest_sent_at=now)
            if user is None or not user.email:
                continue
            with translation.override(user.language):
                subject = _("Your daily summary")
                lines = [f"- {n.subject}: {n.body} {n.url}".rstrip() for n in waiting]
                enqueue_email(to=user.email, subject=subject, body="\n".join(lines), kind="digest", recipient=user)
            sent += 1
    return sent
