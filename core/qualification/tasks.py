"""Background work on qualification, run inside one tenant's schema."""

from django.utils import timezone

from core.celery import app

from .services import do_check_expiry


@app.task(name="qualification.check_expiry", acks_late=True)
def check_expiry() -> dict[str, int]:
    """Warn of qualifications expiring within 30 days and lapse expired memberships; safe to run twice."""
    report = do_check_expiry(today=timezone.localdate())
    return {"warned": report.warned, "lapsed": report.lapsed}
