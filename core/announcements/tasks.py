"""Background work of announcements, inside one tenant's schema."""

import logging
import uuid

from django.conf import settings

from core.celery import app
from tenants.db import current_schema

logger = logging.getLogger(__name__)


@app.task(name="announcements.notify", acks_late=True, ignore_result=True)
def notify(announcement_id: str) -> int:
    from .services import do_notify_members

    if current_schema() == settings.PUBLIC_SCHEMA_NAME:
        logger.warning("announcements.notify sent without a tenant; nothing to do")
        return 0
    return do_notify_members(announcement_id=uuid.UUID(announcement_id))


def dispatch_notify(announcement_id: uuid.UUID) -> None:
    try:
        notify.delay(str(announcement_id))
    except Exception:
        logger.exception("announcement %s could not be dispatched", announcement_id)
