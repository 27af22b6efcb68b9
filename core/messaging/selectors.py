"""Reads of the outbox: what is due for (re)dispatch, and counts by status for staff pages."""

from datetime import datetime

from django.db.models import Count

from .models import OutboxMessage, Status


def outbox_counts_by_status() -> dict[str, int]:
    """How many rows the current tenant's outbox holds in each status (every status, zeros included)."""
    counts = dict.fromkeys(Status.values, 0)
    for row in OutboxMessage.objects.order_by().values("status").annotate(count=Count("id")):
        counts[row["status"]] = row["count"]
    return counts


def messages_due(*, before: datetime, limit: int) -> list[OutboxMessage]:
    """Pending rows whose next attempt was due before `before`: most urgent first, only what dispatch needs."""
    return list(
        OutboxMessage.objects.filter(status=Status.PENDING, next_attempt_at__lte=before)
        .order_by("priority", "next_attempt_at")
        .only("id", "priority")[:limit]
    )
