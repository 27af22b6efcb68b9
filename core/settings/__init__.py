"""Settings per environment: base (shared), local (development), production and test."""
