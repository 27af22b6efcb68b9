"""Developer, CI and benchmark infrastructure (not shipped with the application)."""
