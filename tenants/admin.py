"""Admin registration for tenants and domains (vendor staff on the public site)."""

from django.contrib import admin

from .models import Domain, Tenant


class DomainInline(admin.TabularInline[Domain, Tenant]):
    model = Domain
    extra = 0


@admin.register(Tenant)
class TenantAdmin(admin.ModelAdmin[Tenant]):
    list_display = ("name", "slug", "kind", "country", "status", "created_at")
    list_filter = ("kind", "country", "status")
    search_fields = ("name", "slug", "org_number")
    readonly_fields = ("schema_name", "public_id", "created_at", "updated_at")
    inlines = (DomainInline,)
