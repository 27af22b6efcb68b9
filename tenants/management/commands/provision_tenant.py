"""Provision a tenant: schema, migrations, primary domain, status active. Safe to re-run."""

from argparse import ArgumentParser
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from tenants.models import Country, Language, Tenant, TenantKind
from tenants.services import do_provision_tenant, primary_host, provision_tenant


class Command(BaseCommand):
    help = "Create or finish provisioning a tenant. With only --slug, resumes an existing one."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--slug", required=True, help="Subdomain, also the schema name.")
        parser.add_argument("--name")
        parser.add_argument("--kind", choices=TenantKind.values)
        parser.add_argument("--country", choices=Country.values)
        parser.add_argument("--language", choices=Language.values)
        parser.add_argument("--org-number", dest="org_number")

    def handle(self, *args: Any, **options: Any) -> None:
        fields = ("name", "kind", "country", "language", "org_number")
        given = {field: options[field] for field in fields if options[field] is not None}
        try:
            if len(given) == len(fields):
                tenant = provision_tenant(slug=options["slug"], verbosity=options["verbosity"] - 1, **given)
            elif not given and (existing := Tenant.objects.filter(slug=options["slug"]).first()):
                tenant = do_provision_tenant(tenant=existing, verbosity=options["verbosity"] - 1)
            else:
                raise CommandError("A new tenant needs --name, --kind, --country, --language and --org-number.")
        except ValidationError as error:
            messages = [f"{field}: {'; '.join(errs)}" for field, errs in error.message_dict.items()]
            raise CommandError("\n".join(messages)) from error
        self.stdout.write(self.style.SUCCESS(f"{tenant.name} is {tenant.status} at {primary_host(tenant.slug)}"))
