"""Onboarding: the public site, the vendor console and data-processing agreements."""
