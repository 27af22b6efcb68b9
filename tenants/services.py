"""Every write to tenants: register a tenant and provision its schema, resumably; change its default language."""

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import TYPE_CHECKING

import psycopg
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.postgresql_backend.base import _check_schema_name
from django_tenants.utils import quote_schema_name

from tenants.db import current_schema, use_public_schema

from .models import Domain, Language, Tenant, TenantStatus

if TYPE_CHECKING:
    from core.accounts.models import User

logger = logging.getLogger(__name__)

# Provisioning normally takes seconds; a tenant still provisioning after this was interrupted.
STALLED_AFTER = timedelta(minutes=10)
# Fields that identify what was asked for; a re-run with other values is refused, not applied.
_IDENTITY_FIELDS = ("kind", "name", "country", "language", "org_number")


def primary_host(slug: str) -> str:
    return f"{slug}.{settings.BASE_DOMAIN}"


def do_register_tenant(*, slug: str, name: str, kind: str, country: str, language: str, org_number: str) -> Tenant:
    """Validate and record a tenant in status `provisioning`; return the existing one if the same.

    Raises ValidationError (with field messages) and changes nothing on bad input or when the slug
    is taken by a tenant with other details.
    """
    candidate = Tenant(
        slug=slug, name=name.strip(), kind=kind, country=country, language=language, org_number=org_number
    )
    # Uniqueness is settled below: the same slug with the same details is a re-run, not an error.
    candidate.full_clean(exclude=["schema_name"], validate_unique=False)
    existing: Tenant | None = Tenant.objects.filter(slug=slug).first()
    if existing is None:
        try:
            with transaction.atomic():
                candidate.save()
        except (IntegrityError, ValidationError):
            # Registered by a concurrent run in the meantime.
            existing = Tenant.objects.get(slug=slug)
        else:
            logger.info("tenant %s registered", slug)
            return candidate
    if any(getattr(existing, field) != getattr(candidate, field) for field in _IDENTITY_FIELDS):
        raise ValidationError({"slug": _("This subdomain is already taken.")}, code="slug_taken")
    return existing


def do_provision_tenant(*, tenant: Tenant, verbosity: int = 0) -> Tenant:
    """Create and migrate the tenant's schema, add its primary domain and make it active.

    Every step checks what is already done, so running it again after a failure part-way (or
    twice at once: an advisory lock serialises runs per tenant) finishes the job and changes
    nothing that is already right. A suspended tenant keeps its status; a closed one is refused,
    since its schema may already have been exported and dropped.
    """
    with _provisioning_lock(tenant.schema_name):
        tenant.refresh_from_db()
        if tenant.status == TenantStatus.CLOSED:
            raise ValidationError(_("This tenant is closed and cannot be provisioned again."), code="tenant_closed")
        use_public_schema()
        _ensure_schema(tenant)
        _migrate_schema(tenant, verbosity=verbosity)
        _ensure_domain(tenant)
        if tenant.status == TenantStatus.PROVISIONING:
            tenant.status = TenantStatus.ACTIVE
            tenant.save(update_fields=["status", "updated_at"])
            logger.info("tenant %s provisioned", tenant.slug)
    return tenant


def do_resume_stalled_provisioning(*, stalled_after: timedelta = STALLED_AFTER) -> list[str]:
    """Finish provisioning every tenant interrupted part-way; return the slugs now done.

    One tenant that still fails is logged and left for the next run; it does not hold up others.
    """
    cutoff = timezone.now() - stalled_after
    resumed = []
    for tenant in Tenant.objects.filter(status=TenantStatus.PROVISIONING, updated_at__lt=cutoff):
        try:
            do_provision_tenant(tenant=tenant)
        except Exception:
            logger.exception("resuming provisioning of tenant %s failed", tenant.slug)
            continue
        resumed.append(tenant.slug)
    return resumed


def provision_tenant(
    *, slug: str, name: str, kind: str, country: str, language: str, org_number: str, verbosity: int = 0
) -> Tenant:
    """Register (or find) a tenant and provision it: the one call for commands and onboarding."""
    tenant = do_register_tenant(
        slug=slug, name=name, kind=kind, country=country, language=language, org_number=org_number
    )
    return do_provision_tenant(tenant=tenant, verbosity=verbosity)


@contextmanager
def _provisioning_lock(schema_name: str) -> Iterator[None]:
    """Hold a session-level advisory lock on a connection of its own for the whole run.

    Not on Django's connection: migrate_schemas closes that one between steps, and a session
    lock would silently go with it.
    """
    params = {k: v for k, v in connection.get_connection_params().items() if k not in ("cursor_factory", "context")}
    with psycopg.connect(**params, autocommit=True) as lock_connection:
        lock_connection.execute("SELECT pg_advisory_lock(hashtext(%s))", [f"provision:{schema_name}"])
        try:
            yield
        finally:
            use_public_schema()
            lock_connection.execute("SELECT pg_advisory_unlock(hashtext(%s))", [f"provision:{schema_name}"])


def _ensure_schema(tenant: Tenant) -> None:
    _check_schema_name(tenant.schema_name)
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE SCHEMA IF NOT EXISTS {quote_schema_name(tenant.schema_name)}")


def _migrate_schema(tenant: Tenant, *, verbosity: int) -> None:
    # Each migration commits on its own, so a half-migrated schema resumes where it stopped.
    call_command("migrate_schemas", schema_name=tenant.schema_name, tenant=True, interactive=False, verbosity=verbosity)
    use_public_schema()


def _ensure_domain(tenant: Tenant) -> None:
    domain, _created = Domain.objects.get_or_create(
        domain=primary_host(tenant.slug), defaults={"tenant": tenant, "is_primary": True}
    )
    if domain.tenant_id != tenant.pk:
        raise ValidationError({"slug": _("This subdomain is already taken.")}, code="slug_taken")


@transaction.atomic
def do_set_default_language(*, actor: "User", language: str) -> Tenant:
    """The tenant's admins change the language its site speaks to people who have chosen none.

    Runs inside the tenant's schema: the tenant is the one the connection serves, so an admin can
    only ever change their own tenant's row. The audit row goes to that tenant's log.
    """
    from core.audit.services import record
    from core.groups.permissions import check_tenant_admin

    check_tenant_admin(actor)
    schema = current_schema()
    if schema == settings.PUBLIC_SCHEMA_NAME:
        raise ValidationError(_("The default language belongs to a tenant; this is the public site."))
    if language not in Language.values:
        raise ValidationError({"default_language": _("Choose one of the languages Dugnad speaks.")})
    tenant: Tenant = Tenant.objects.select_for_update().get(schema_name=schema)
    if tenant.language == language:
        return tenant
    before = tenant.language
    tenant.language = language
    # save(), not update(): the routing cache forgets the tenant on its post_save signal.
    tenant.save(update_fields=["language", "updated_at"])
    record(action="tenant.language_changed", actor=actor, data={"from": before, "to": language})
    return tenant
