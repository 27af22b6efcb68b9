"""The Celery app: Redis broker, tasks that carry the schema they were sent from."""

import os
from typing import Any

import sentry_sdk
from celery.signals import task_prerun
from tenant_schemas_celery.app import CeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "core.settings.local")

app = CeleryApp("dugnad")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@task_prerun.connect(dispatch_uid="dugnad-sentry-tenant-tag")
def tag_task_with_tenant(**_kwargs: Any) -> None:
    """Name the tenant on every error a task reports (connected after the schema switch)."""
    from django.db import connection

    sentry_sdk.get_isolation_scope().set_tag("tenant", connection.schema_name)
