"""Background work on accounts, run inside one tenant's schema."""

from django.contrib.sessions.models import Session
from django.utils import timezone

from core.celery import app


@app.task(name="accounts.clear_expired_sessions", acks_late=True)
def clear_expired_sessions() -> int:
    """Delete the expired sessions of the schema the task was sent from; safe to run twice."""
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted
