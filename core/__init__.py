"""Dugnad's Django project package and the home of the tenant-schema domain apps."""

from .celery import app as celery_app

__all__ = ["celery_app"]
