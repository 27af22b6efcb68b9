"""Groups in a tenant's schema."""
