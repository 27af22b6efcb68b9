"""Background work of announcements, inside one tenant's schema."""

import logging
import uuid

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist

from core.celery import app
from tenants.db import current_schema

logger = logging.getLogger(__name__)


@app.task(
    name="announcements.notify",
    acks_late=True,
    ignore_result=True,
    autoretry_for=(Exception,),
    # A malformed id or a deleted announcement stays so; retrying would only repeat the miss.
    dont_autoretry_for=(ObjectDoesNotExist, ValueError),
    retry_backoff=True,
    max_retries=5,
)
def notify(announcement_id: str) -> int:
    """Tell the announcement's group; safe to run any number of times (one notice per person and key)."""
    from .models import Announcement
    from .services import do_notify_members

    if current_schema() == settings.PUBLIC_SCHEMA_NAME:
        logger.warning("announcements.notify sent without a tenant; nothing to do")
        return 0
    try:
        return do_notify_members(announcement_id=uuid.UUID(announcement_id))
    except Announcement.DoesNotExist:
        logger.warning("announcement %s is gone; nobody to tell", announcement_id)
        return 0


def dispatch_notify(announcement_id: uuid.UUID) -> None:
    """Hand the fan-out to the worker after commit. Never raises: the caller's change is already saved."""
    try:
        notify.delay(str(announcement_id))
    except Exception:
        logger.exception("announcement %s could not be dispatched", announcement_id)
