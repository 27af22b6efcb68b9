"""Reading a tenant's branding: one row, made with defaults the first time it is asked for."""

from django.db import connection

from .models import Branding


def branding() -> Branding:
    """The current schema's branding (the defaults until an admin changes them)."""
    row = Branding.objects.order_by("id").first()
    return row if row is not None else Branding()


def display_name() -> str:
    """The name a tenant's pages show: the admins' display name, else the tenant's legal name."""
    chosen = branding().display_name
    return chosen or getattr(getattr(connection, "tenant", None), "name", "Dugnad")
