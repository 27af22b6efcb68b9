"""Benchmark: seconds per new tenant, schema by migrations vs by cloning a template schema."""

from __future__ import annotations

import argparse
import itertools
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypedDict

# Run as a script, only tests/bench/ is on sys.path; the project root is needed for `tests.bench`
# and, once Django starts, for `core`.
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.bench.common import (
    log,
    median_min_max,
    norwegian_org_numbers,
    raise_on_sigterm,
    require_env,
    scratch_database,
    setup_django,
)

SCRATCH_DB = "dugnad_bench_provisioning"
# The schema cloned from: migrated once, never a tenant, so no host routes to it.
TEMPLATE_SCHEMA = "bench_template"
METHODS = ("migrations", "cloning")


class TenantDetails(TypedDict):
    slug: str
    name: str
    kind: str
    country: str
    language: str
    org_number: str


@dataclass
class Samples:
    """Seconds per tenant, and of that the part spent creating the schema (migrate or clone SQL)."""

    total: list[float] = field(default_factory=list)
    schema_step: list[float] = field(default_factory=list)


class StepTimer:
    """Accumulates the time spent inside one wrapped function during a sample."""

    def __init__(self) -> None:
        self.seconds = 0.0

    def wrap(self, func: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return func(*args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - start

        return timed


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--sizes",
        default="10,200",
        help="comma-separated numbers of existing tenants to measure at (default: 10,200)",
    )
    parser.add_argument("--samples", type=int, default=5, help="new tenants per method and size (default: 5)")
    args = parser.parse_args()
    args.sizes = sorted({int(size) for size in args.sizes.split(",") if size.strip()})
    if not args.sizes or args.sizes[0] < 0 or args.samples < 1:
        parser.error("--sizes must list non-negative numbers and --samples must be at least 1")
    return args


def main() -> None:
    args = parse_args()
    raise_on_sigterm()
    server_url = require_env("DATABASE_URL")
    with scratch_database(server_url, SCRATCH_DB) as url:
        setup_django(url)
        results = run(sizes=args.sizes, samples=args.samples)
    print_table(results, samples=args.samples)


def run(*, sizes: list[int], samples: int) -> dict[tuple[int, str], Samples]:
    # Imported here: they need django.setup(), which needs the scratch database URL first.
    from django.db import connection

    from tenants.models import Tenant

    bench = Bench()
    bench.migrate_template()
    # The first run of each method imports migration modules and fills first-use caches; that
    # one-off cost is not what a new tenant costs in a running system.
    for method in METHODS:
        bench.drop(bench.provision(method, prefix="warm"))

    results: dict[tuple[int, str], Samples] = {}
    for size in sizes:
        existing = Tenant.objects.count()
        if existing < size:
            log(f"growing the population from {existing} to {size} tenants (by migrations)")
            started = time.perf_counter()
            for _ in range(size - existing):
                bench.provision("migrations", prefix="pop")
            log(f"  ... {size - existing} tenants in {time.perf_counter() - started:.1f} s")
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_namespace")
            (schemas,) = cursor.fetchone()
            cursor.execute("SELECT count(*) FROM pg_class")
            (relations,) = cursor.fetchone()
        # Load average: the machine may be shared, and concurrent work skews every figure.
        load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
        log(f"measuring at {size} tenants ({schemas} schemas, {relations} relations in pg_class; load {load})")
        for method in METHODS:
            results[(size, method)] = Samples()
        for index in range(samples):
            # Alternate which method goes first so that neither always runs on a warmer server.
            order = METHODS if index % 2 == 0 else METHODS[::-1]
            for method in order:
                tenant = bench.provision(method, prefix="new", sample=results[(size, method)])
                # Drop each sample again so that every one of them finds exactly `size` tenants.
                bench.drop(tenant)
        for method in METHODS:
            median, low, high = median_min_max(results[(size, method)].total)
            log(f"  {method:<10} median {median:.3f} s (min {low:.3f}, max {high:.3f})")
    return results


class Bench:
    """Provisions tenants by either method, with fresh slugs and organisation numbers."""

    def __init__(self) -> None:
        self._counter = itertools.count(1)
        self._org_numbers = norwegian_org_numbers()

    def migrate_template(self) -> None:
        from django.core.management import call_command
        from django.db import connection

        from tenants.db import use_public_schema

        with connection.cursor() as cursor:
            cursor.execute(f'CREATE SCHEMA "{TEMPLATE_SCHEMA}"')
        call_command("migrate_schemas", schema_name=TEMPLATE_SCHEMA, tenant=True, interactive=False, verbosity=0)
        use_public_schema()

    def provision(self, method: str, *, prefix: str, sample: Samples | None = None) -> Any:
        number = next(self._counter)
        details: TenantDetails = {
            "slug": f"{prefix}-{method[0]}-{number:04d}",
            "name": f"Bench {method} {number}",
            "kind": "municipality",
            "country": "NO",
            "language": "nb",
            "org_number": next(self._org_numbers),
        }
        timer = StepTimer()
        with self._timing_schema_step(method, timer):
            started = time.perf_counter()
            tenant = by_migrations(details) if method == "migrations" else by_cloning(details)
            elapsed = time.perf_counter() - started
        if sample is not None:
            sample.total.append(elapsed)
            sample.schema_step.append(timer.seconds)
            if method == "cloning":
                check_clone(tenant.schema_name)
        return tenant

    @staticmethod
    @contextmanager
    def _timing_schema_step(method: str, timer: StepTimer) -> Iterator[None]:
        """Time the schema step from outside: the migrate call, or the clone_schema SQL call."""
        from django_tenants.clone import CloneSchema

        import tenants.services

        owner: Any = tenants.services if method == "migrations" else CloneSchema
        name = "_migrate_schema" if method == "migrations" else "clone_schema"
        original = getattr(owner, name)
        setattr(owner, name, timer.wrap(original))
        try:
            yield
        finally:
            setattr(owner, name, original)

    @staticmethod
    def drop(tenant: Any) -> None:
        from django.db import connection

        from tenants.db import use_public_schema

        use_public_schema()
        with connection.cursor() as cursor:
            cursor.execute(f'DROP SCHEMA "{tenant.schema_name}" CASCADE')
        # Tenant.auto_drop_schema is off, so this removes only the rows (and the Domain by cascade).
        tenant.delete()


def by_migrations(details: TenantDetails) -> Any:
    """The project's own path: register, CREATE SCHEMA + migrate_schemas, domain, active."""
    from tenants.services import provision_tenant

    return provision_tenant(**details)


def by_cloning(details: TenantDetails) -> Any:
    """The same steps (bar the advisory lock), but the schema is django-tenants' clone of the template."""
    from django.test.utils import override_settings

    from tenants.models import Domain, TenantStatus
    from tenants.services import do_register_tenant, primary_host

    tenant = do_register_tenant(**details)
    with override_settings(TENANT_CREATION_FAKES_MIGRATIONS=True, TENANT_BASE_SCHEMA=TEMPLATE_SCHEMA):
        tenant.create_schema(check_if_exists=True, verbosity=0)
    Domain.objects.create(domain=primary_host(tenant.slug), tenant=tenant, is_primary=True)
    tenant.status = TenantStatus.ACTIVE
    tenant.save(update_fields=["status", "updated_at"])
    return tenant


def check_clone(schema_name: str) -> None:
    """Fail loudly unless the clone has the template's tables and applied migrations."""
    from django.db import connection
    from django.db.migrations.recorder import MigrationRecorder
    from django_tenants.utils import schema_context

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_schema, count(*) FROM information_schema.tables"
            " WHERE table_schema IN (%s, %s) GROUP BY table_schema",
            [TEMPLATE_SCHEMA, schema_name],
        )
        tables = dict(cursor.fetchall())
    with schema_context(TEMPLATE_SCHEMA):
        template_migrations = MigrationRecorder(connection).migration_qs.count()
    with schema_context(schema_name):
        clone_migrations = MigrationRecorder(connection).migration_qs.count()
    if tables.get(schema_name) != tables.get(TEMPLATE_SCHEMA) or clone_migrations != template_migrations:
        raise RuntimeError(
            f"clone {schema_name} differs from {TEMPLATE_SCHEMA}: tables {tables}, "
            f"migrations {clone_migrations} vs {template_migrations}"
        )


def print_table(results: dict[tuple[int, str], Samples], *, samples: int) -> None:
    print(f"Seconds per new tenant ({samples} samples per method and size; schema = migrate or clone step)")
    print(f"{'existing':>8}  {'method':<10}  {'median':>7}  {'min':>7}  {'max':>7}  {'schema':>7}")
    for (size, method), sample in results.items():
        median, low, high = median_min_max(sample.total)
        schema_median, _, _ = median_min_max(sample.schema_step)
        print(f"{size:>8}  {method:<10}  {median:>7.3f}  {low:>7.3f}  {high:>7.3f}  {schema_median:>7.3f}")
    sizes = sorted({size for size, _ in results})
    if len(sizes) > 1:
        first, last = sizes[0], sizes[-1]
        for method in METHODS:
            ratio = median_min_max(results[(last, method)].total)[0] / median_min_max(results[(first, method)].total)[0]
            print(f"{method}: median at {last} / at {first} tenants = {ratio:.2f}x")


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(130)
