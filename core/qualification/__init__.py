"""Qualification in a tenant's schema."""
