"""Benchmarks run by hand (not collected by pytest): tenant provisioning and host routing."""
