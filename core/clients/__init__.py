"""Clients in a tenant's schema."""
