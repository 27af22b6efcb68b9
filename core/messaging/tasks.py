"""Delivery of outbox rows (implemented in the messaging work; see core/messaging/delivery.py)."""

from core.celery import app

from .models import OutboxMessage


@app.task(name="messaging.deliver")
def deliver(message_id: str) -> None:
    """Deliver one outbox row. Placeholder until the delivery service lands."""


def dispatch(message: OutboxMessage) -> None:
    """Hand a committed outbox row to the worker, at the row's priority."""
    deliver.apply_async(args=(str(message.pk),), priority=message.priority)
