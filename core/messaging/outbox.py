"""Queue an SMS or e-mail: one outbox row, delivered by a task after the transaction commits."""

from django.db import transaction
from django.utils import timezone

from core.accounts.models import User

from .models import Medium, OutboxMessage, Priority


def _enqueue(message: OutboxMessage) -> OutboxMessage:
    from .tasks import dispatch

    message.save(force_insert=True)
    # If the broker is down at commit time the row stays pending and the sweep sends it later.
    transaction.on_commit(lambda: dispatch(message), robust=True)
    return message


def enqueue_many(messages: list[OutboxMessage]) -> list[OutboxMessage]:
    """Queue many prepared rows in one insert (a fan-out); each is handed to the worker after commit."""
    from .tasks import dispatch

    OutboxMessage.objects.bulk_create(messages, batch_size=1000)

    def dispatch_all() -> None:
        now = timezone.now()
        for message in messages:
            wait = (message.next_attempt_at - now).total_seconds()
            dispatch(message, countdown=wait if wait > 0 else None)

    transaction.on_commit(dispatch_all, robust=True)
    return messages


def enqueue_sms(
    *,
    to: str,
    body: str,
    kind: str,
    recipient: User | None = None,
    priority: Priority = Priority.NORMAL,
    sensitive: bool = False,
) -> OutboxMessage:
    """Queue an SMS to an E.164 number, in the caller's transaction."""
    return _enqueue(
        OutboxMessage(
            medium=Medium.SMS,
            to=to,
            body=body,
            kind=kind,
            recipient=recipient,
            priority=priority,
            sensitive=sensitive,
        )
    )


def enqueue_email(
    *,
    to: str,
    subject: str,
    body: str,
    kind: str,
    recipient: User | None = None,
    priority: Priority = Priority.NORMAL,
    sensitive: bool = False,
) -> OutboxMessage:
    """Queue a plain-text e-mail, in the caller's transaction."""
    return _enqueue(
        OutboxMessage(
            medium=Medium.EMAIL,
            to=to,
            subject=subject,
            body=body,
            kind=kind,
            recipient=recipient,
            priority=priority,
            sensitive=sensitive,
        )
    )
