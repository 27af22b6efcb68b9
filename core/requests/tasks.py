"""Background work on requests, run inside one tenant's schema: thin wrappers of services."""

import logging
import uuid
from dataclasses import asdict

from django.conf import settings

from core.celery import app
from tenants.db import current_schema

from .models import HelpRequest

logger = logging.getLogger(__name__)


@app.task(name="requests.notify_new_request", acks_late=True, ignore_result=True)
def notify_new_request(request_id: str) -> int:
    """Tell the eligible members of a new request, in batches; a re-run tells nobody twice."""
    from .services import do_fan_out

    if current_schema() == settings.PUBLIC_SCHEMA_NAME:
        logger.warning("requests.notify_new_request sent without a tenant; nothing to do")
        return 0
    try:
        return do_fan_out(request_id=uuid.UUID(request_id))
    except (ValueError, HelpRequest.DoesNotExist):
        # A malformed id, or one of another tenant's requests: nothing of this schema to tell.
        logger.warning("requests.notify_new_request: no request %s in this tenant", request_id)
        return 0


@app.task(name="requests.sweep", acks_late=True, ignore_result=True)
def sweep() -> dict[str, int]:
    """Expire overdue requests, remind posters and helpers, redo lost fan-outs; sent into every tenant."""
    from .sweep import do_sweep_requests

    if current_schema() == settings.PUBLIC_SCHEMA_NAME:
        logger.warning("requests.sweep sent without a tenant; nothing to do")
        return {}
    return asdict(do_sweep_requests())


def dispatch_fan_out(request_id: uuid.UUID) -> None:
    """Hand a posted request's fan-out to the worker. Never raises: the sweep redoes a lost one."""
    try:
        notify_new_request.delay(str(request_id))
    except Exception:
        logger.exception("fan-out of request %s could not be dispatched; the sweep will redo it", request_id)
