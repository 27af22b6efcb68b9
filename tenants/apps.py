"""App configuration for tenants; wires routing-cache invalidation to Tenant and Domain changes."""

from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class TenantsConfig(AppConfig):
    name = "tenants"
    verbose_name = _("Tenants")

    def ready(self) -> None:
        # Cache invalidation, not business logic: any write to a Tenant or Domain, from a service,
        # the admin or django-tenants itself, must drop the cached host -> tenant routing.
        from . import routing
        from .models import Domain, Tenant

        for model in (Tenant, Domain):
            post_save.connect(routing.on_routing_change, sender=model, dispatch_uid=f"routing-save-{model.__name__}")
            post_delete.connect(routing.on_routing_change, sender=model, dispatch_uid=f"routing-del-{model.__name__}")
