"""Billing: plans, Stripe customers, invoices and webhooks (public schema)."""
