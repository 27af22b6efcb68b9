"""People: the user model shared by vendor staff (public schema) and a tenant's people."""
