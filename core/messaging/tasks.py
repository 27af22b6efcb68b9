"""Celery tasks of the outbox: deliver one row, sweep a tenant's outbox; and `dispatch`, the hand-off."""

import logging
import uuid

from django.conf import settings

from core.celery import app
from tenants.db import current_schema

from .models import OutboxMessage

logger = logging.getLogger(__name__)


@app.task(name="messaging.deliver", acks_late=True, ignore_result=True)
def deliver(message_id: str) -> str:
    """Deliver one outbox row of the schema the task was sent from; safe to run any number of times."""
    from .services import do_deliver

    if current_schema() == settings.PUBLIC_SCHEMA_NAME:
        # The outbox lives only in tenant schemas.
        logger.warning("messaging.deliver sent without a tenant; nothing to do")
        return "skipped"
    try:
        pk = uuid.UUID(message_id)
    except ValueError:
        logger.warning("messaging.deliver called with a malformed id")
        return "skipped"
    return do_deliver(message_id=pk)


@app.task(name="messaging.sweep", acks_late=True, ignore_result=True)
def sweep() -> dict[str, int]:
    """Per-tenant sweep of the outbox, sent every minute into every tenant by tenants.fan_out."""
    from .services import do_sweep

    if current_schema() == settings.PUBLIC_SCHEMA_NAME:
        # The outbox lives only in tenant schemas.
        logger.warning("messaging.sweep sent without a tenant; nothing to do")
        return {}
    result = do_sweep()
    return {"redispatched": result.redispatched, "marked_unknown": result.marked_unknown}


def dispatch(message: OutboxMessage, *, countdown: float | None = None) -> None:
    """Hand a committed outbox row to the worker, at the row's priority. Never raises.

    If the broker cannot take the task, the row stays pending and the sweep dispatches it later.
    """
    try:
        deliver.apply_async(args=(str(message.pk),), priority=message.priority, countdown=countdown or 0)
    except Exception:
        logger.exception("outbox %s could not be dispatched; the sweep will retry it", message.pk)
