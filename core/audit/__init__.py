"""Audit log in a tenant's schema."""
