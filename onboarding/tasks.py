"""Celery tasks of onboarding: thin interfaces over the case services."""

from django.core.exceptions import ValidationError

from core.celery import app

from .cases import do_provision_case
from .models import OnboardingCase


@app.task(
    name="onboarding.provision_case",
    acks_late=True,
    autoretry_for=(Exception,),
    # No DPA yet, a closed tenant or a deleted case stays so; retrying would repeat the refusal.
    dont_autoretry_for=(ValidationError, OnboardingCase.DoesNotExist),
    retry_backoff=True,
    max_retries=3,
)
def provision_case(case_id: str) -> str:
    """Provision an onboarding case's tenant; idempotent and resumable, so a retry finishes the job."""
    case = do_provision_case(case_id=case_id)
    return case.progress_step
