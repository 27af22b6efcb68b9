"""Tenant (one municipality or organisation, one schema) and Domain (host -> tenant)."""

import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_tenants.models import DomainMixin, TenantMixin

from .validators import check_slug, normalize_org_number, schema_name_for, validate_slug


class TenantKind(models.TextChoices):
    MUNICIPALITY = "municipality", _("Municipality")
    ORGANISATION = "organisation", _("Organisation")


class Country(models.TextChoices):
    NORWAY = "NO", _("Norway")
    SWEDEN = "SE", _("Sweden")


class Language(models.TextChoices):
    BOKMAL = "nb", "Norsk bokmål"
    SWEDISH = "sv", "Svenska"
    ENGLISH = "en", "English"


class TenantStatus(models.TextChoices):
    PROVISIONING = "provisioning", _("Provisioning")
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    CLOSED = "closed", _("Closed")


class Tenant(TenantMixin):
    """One customer. Its people, groups and requests live in the schema named after its slug."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    slug = models.CharField(_("subdomain"), max_length=63, unique=True, validators=[validate_slug])
    kind = models.CharField(_("kind"), max_length=16, choices=TenantKind.choices)
    name = models.CharField(_("name"), max_length=200)
    country = models.CharField(_("country"), max_length=2, choices=Country.choices)
    language = models.CharField(_("default language"), max_length=2, choices=Language.choices)
    org_number = models.CharField(_("organisation number"), max_length=10, db_index=True)
    status = models.CharField(
        _("status"), max_length=16, choices=TenantStatus.choices, default=TenantStatus.PROVISIONING
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # The provisioning service creates and migrates the schema as explicit, resumable steps.
    auto_create_schema = False
    # A schema is only ever dropped by the tenant lifecycle, after the tenant's export.
    auto_drop_schema = False

    class Meta:
        ordering = ("name",)
        verbose_name = _("tenant")
        verbose_name_plural = _("tenants")

    def __str__(self) -> str:
        return f"{self.name} ({self.slug})"

    def clean(self) -> None:
        super().clean()
        errors: dict[str, list[ValidationError]] = {}
        if self.slug:
            try:
                check_slug(self.slug)
            except ValidationError as error:
                errors.setdefault("slug", []).extend(error.error_list)
            self.schema_name = schema_name_for(self.slug)
        if self.country in Country.values:
            try:
                self.org_number = normalize_org_number(self.country, self.org_number)
            except ValidationError as error:
                errors.setdefault("org_number", []).extend(error.error_list)
        if errors:
            raise ValidationError(errors)

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.schema_name = schema_name_for(self.slug)
        super().save(*args, **kwargs)

    @property
    def is_serving(self) -> bool:
        return self.status == TenantStatus.ACTIVE


class Domain(DomainMixin):
    """A host name that routes to a tenant; the primary one is `{slug}.{BASE_DOMAIN}`."""

    class Meta:
        verbose_name = _("domain")
        verbose_name_plural = _("domains")

    def __str__(self) -> str:
        return str(self.domain)
