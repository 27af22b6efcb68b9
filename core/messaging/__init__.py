"""Messages in a tenant's schema."""
