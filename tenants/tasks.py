"""Public-schema periodic jobs: fan out one task per tenant, resume stalled provisioning."""

import logging

from django.core.exceptions import ValidationError
from django_tenants.utils import schema_context

from core.celery import app
from tenants.db import use_public_schema

from .models import Tenant, TenantStatus
from .services import do_provision_tenant, do_resume_stalled_provisioning

logger = logging.getLogger(__name__)


@app.task(name="tenants.fan_out", acks_late=True)
def fan_out(task_name: str) -> int:
    """Send `task_name` once into every active tenant's schema; return how many were sent.

    Beat schedules this public task instead of reading every schema itself, so adding tenants
    (or spreading their schemas over database nodes) never slows the scheduler.
    """
    sent = 0
    for schema_name in Tenant.objects.filter(status=TenantStatus.ACTIVE).values_list("schema_name", flat=True):
        with schema_context(schema_name):
            # The tenant-aware task base stamps the current schema on the message.
            app.send_task(task_name)
        sent += 1
    logger.info("fanned out %s to %d tenants", task_name, sent)
    return sent


@app.task(name="tenants.resume_stalled_provisioning", acks_late=True)
def resume_stalled_provisioning() -> list[str]:
    """Finish provisioning of tenants interrupted part-way (the service is resumable)."""
    use_public_schema()
    return do_resume_stalled_provisioning()


@app.task(
    name="tenants.provision",
    acks_late=True,
    autoretry_for=(Exception,),
    # A closed or deleted tenant stays so; retrying would only repeat the refusal.
    dont_autoretry_for=(ValidationError, Tenant.DoesNotExist),
    retry_backoff=True,
    max_retries=5,
)
def provision(tenant_id: int) -> str:
    """Provision one tenant in the background; idempotent, so a retry finishes the job."""
    use_public_schema()
    tenant = do_provision_tenant(tenant=Tenant.objects.get(pk=tenant_id))
    return tenant.status
