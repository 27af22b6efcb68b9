"""Delivery of outbox rows: claim, send outside any transaction, record; and the periodic sweep."""

import logging
import random
import uuid
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from . import selectors
from .backends import PermanentFailure, TemporaryFailure, UncertainOutcome, send_message
from .models import OutboxMessage, Status
from .tasks import dispatch

logger = logging.getLogger(__name__)

# Rows a result may still be recorded on: `unknown` too, because the sweep may have given up on a
# worker that was only slow, and a known outcome is better than an unknown one.
_IN_FLIGHT = (Status.SENDING, Status.UNKNOWN)
_FINAL = (Status.SENT, Status.FAILED, Status.UNKNOWN)


class Outcome(StrEnum):
    SENT = "sent"
    RETRY = "retry"
    FAILED = "failed"
    UNKNOWN = "unknown"
    # Not pending, not due, locked by another worker or not in this schema: nothing to do.
    SKIPPED = "skipped"


@dataclass(frozen=True)
class SweepResult:
    redispatched: int
    marked_unknown: int


def retry_delay(*, attempts: int) -> timedelta:
    """Exponential backoff with jitter after the given number of failed attempts.

    Half of the delay is fixed and half random, so messages that failed together (a provider
    outage) do not all come back at the same moment.
    """
    ceiling = min(settings.OUTBOX_RETRY_MAX_SECONDS, settings.OUTBOX_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0))
    seconds = ceiling / 2 + random.uniform(0, ceiling / 2)  # noqa: S311 - jitter, not a secret
    return timedelta(seconds=seconds)


def _claim(*, message_id: uuid.UUID) -> OutboxMessage | None:
    """Mark a due pending row `sending` and commit, so no other worker can pick it up again."""
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(pk=message_id, status=Status.PENDING, next_attempt_at__lte=timezone.now())
            .first()
        )
        if message is None:
            return None
        message.status = Status.SENDING
        message.attempts += 1
        message.sending_since = timezone.now()
        message.save(update_fields=["status", "attempts", "sending_since"])
    return message


def _record(*, message: OutboxMessage, **changes: object) -> None:
    if message.sensitive and changes["status"] in _FINAL:
        # A login code or invitation link is needed only until it is handed over (or given up on).
        changes["body"] = ""
    OutboxMessage.objects.filter(pk=message.pk, status__in=_IN_FLIGHT).update(sending_since=None, **changes)


def do_deliver(*, message_id: uuid.UUID) -> Outcome:
    """Send one outbox row at most once; on a temporary failure schedule the next attempt.

    Must run outside a transaction: the claim commits before the provider is called, so a
    second task for the same row (a duplicate from the broker, or the sweep) finds it taken.
    """
    message = _claim(message_id=message_id)
    if message is None:
        return Outcome.SKIPPED
    try:
        provider_id = send_message(message)
    except TemporaryFailure as error:
        return _record_temporary_failure(message=message, error=str(error))
    except PermanentFailure as error:
        _record(message=message, status=Status.FAILED, last_error=str(error)[:300])
        logger.warning("outbox %s (%s) failed for good: %s", message.pk, message.kind, error)
        return Outcome.FAILED
    except UncertainOutcome as error:
        _record(message=message, status=Status.UNKNOWN, last_error=str(error)[:300])
        logger.warning("outbox %s (%s) may or may not have been sent: %s", message.pk, message.kind, error)
        return Outcome.UNKNOWN
    except Exception:
        # A backend bug: whether the provider got the message is unknown, so it is not resent.
        _record(message=message, status=Status.UNKNOWN, last_error="unexpected error in the backend")
        logger.exception("outbox %s (%s): unexpected error in the backend", message.pk, message.kind)
        return Outcome.UNKNOWN
    changes: dict[str, object] = {
        "status": Status.SENT,
        "provider_id": provider_id[:200],
        "sent_at": timezone.now(),
        "last_error": "",
    }
    _record(message=message, **changes)
    logger.info("outbox %s (%s, %s) sent at attempt %d", message.pk, message.medium, message.kind, message.attempts)
    return Outcome.SENT


@transaction.atomic
def _record_temporary_failure(*, message: OutboxMessage, error: str) -> Outcome:
    if message.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
        _record(message=message, status=Status.FAILED, last_error=error[:300])
        logger.warning("outbox %s (%s) failed after %d attempts: %s", message.pk, message.kind, message.attempts, error)
        return Outcome.FAILED
    delay = retry_delay(attempts=message.attempts)
    message.next_attempt_at = timezone.now() + delay
    _record(message=message, status=Status.PENDING, next_attempt_at=message.next_attempt_at, last_error=error[:300])
    logger.info(
        "outbox %s (%s) attempt %d failed, retrying in %.1fs: %s",
        message.pk,
        message.kind,
        message.attempts,
        delay.total_seconds(),
        error,
    )
    transaction.on_commit(lambda: dispatch(message, countdown=delay.total_seconds()))
    return Outcome.RETRY


def do_sweep() -> SweepResult:
    """Re-dispatch pending rows whose task was lost; give up on rows stuck in `sending`.

    A task is lost when the broker was down at commit time or lost its data; a row stays in
    `sending` when its worker died mid-send, and the provider may have sent it, so it becomes
    `unknown` rather than being sent again.
    """
    now = timezone.now()
    lease_cutoff = now - timedelta(seconds=settings.OUTBOX_SENDING_LEASE_SECONDS)
    with transaction.atomic():
        stuck = OutboxMessage.objects.filter(status=Status.SENDING, sending_since__lt=lease_cutoff)
        stuck.filter(sensitive=True).update(body="")
        marked_unknown = stuck.update(
            status=Status.UNKNOWN, sending_since=None, last_error="worker stopped while sending"
        )
    if marked_unknown:
        logger.warning("outbox: %d message(s) stuck in sending marked unknown", marked_unknown)
    # Rows due only a moment ago most likely have their task waiting in the queue already.
    due = selectors.messages_due(
        before=now - timedelta(seconds=settings.OUTBOX_SWEEP_GRACE_SECONDS), limit=settings.OUTBOX_SWEEP_BATCH
    )
    for message in due:
        dispatch(message)
    if due:
        logger.info("outbox: re-dispatched %d due message(s)", len(due))
    return SweepResult(redispatched=len(due), marked_unknown=marked_unknown)
