"""Seed the demo tenants Melhus and Melhus Røde Kors; safe to run again."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from tenants.demo import DEMO_STAFF, DEMO_STAFF_PASSWORD, seed_demo
from tenants.services import primary_host


class Command(BaseCommand):
    help = "Provision the demo tenants and their people (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        tenants = seed_demo()
        for tenant in tenants:
            self.stdout.write(f"{tenant.name}: http://{primary_host(tenant.slug)}:8000/")
        self.stdout.write(
            f"Public site: http://{settings.BASE_DOMAIN}:8000/ (admin: {DEMO_STAFF.phone} / {DEMO_STAFF_PASSWORD})"
        )
