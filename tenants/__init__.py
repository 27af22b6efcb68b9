"""Tenants: the Tenant and Domain models, validation, provisioning, host routing and lifecycle."""
