"""Campaigns in a tenant's schema."""
