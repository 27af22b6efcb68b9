"""The Celery app: Redis broker, tasks that carry the schema they were sent from."""

import os
from typing import Any

import sentry_sdk
from celery import Celery
from celery.signals import task_prerun
from tenant_schemas_celery.app import CeleryApp

from tenants.db import current_schema

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "core.settings.local")

# Typed as Celery: tenant_schemas_celery ships no type information.
app: Celery = CeleryApp("dugnad")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@task_prerun.connect(dispatch_uid="dugnad-sentry-tenant-tag")
def tag_task_with_tenant(**_kwargs: Any) -> None:
    """Name the tenant on every error a task reports (connected after the schema switch)."""

    sentry_sdk.get_isolation_scope().set_tag("tenant", current_schema())
