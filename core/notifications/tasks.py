"""Background work of notifications, inside one tenant's schema."""

import logging

from django.conf import settings

from core.celery import app
from tenants.db import current_schema

logger = logging.getLogger(__name__)


@app.task(
    name="notifications.send_digests",
    acks_late=True,
    ignore_result=True,
    # Each person's digest commits on its own, so a retry sends only the ones not yet sent.
    autoretry_for=(Exception,),
    retry_backoff=True,
    max_retries=3,
)
def send_digests() -> int:
    """The daily digest of one tenant, sent into every tenant by tenants.fan_out."""
    from .services import do_send_digests

    if current_schema() == settings.PUBLIC_SCHEMA_NAME:
        logger.warning("notifications.send_digests sent without a tenant; nothing to do")
        return 0
    return do_send_digests()
