"""Benchmark: a member's feed of open requests in a tenant with 5,000 members and 100,000 requests.

Builds one tenant in a scratch database with bulk_create (no services: 100,000 requests through
do_post_request would take an hour and fan each one out): answering groups, one of them requiring
a training (TrainingRecord) that not every member has, publishing groups with staff, channels, and
requests over the past year in a realistic spread of states (about 10 % open, and those recent).
Then it times, for random members, the selector alone (`list(feed_for(member=m)[:30])`) and the
whole API call `GET /api/v1/requests/feed` through Django's test client on the tenant's host with a
token, counts the SQL statements of each, and prints EXPLAIN ANALYZE of the feed query.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.bench.common import log, raise_on_sigterm, require_env, scratch_database, setup_django

SCRATCH_DB = "dugnad_bench_requests_feed"
SLUG = "bench-feed"
HOST = f"{SLUG}.localhost"
FEED_PATH = "/api/v1/requests/feed"
BATCH = 5_000
SEED = 20_260_101

# (name, requires a training): the groups whose members answer requests.
ANSWERING = (
    ("Frivilligsentralen", False),
    ("Besøksvenner", True),
    ("Idrettsveien bofellesskap", False),
    ("Leksehjelp", True),
)
# (name, staff who post): the groups that post requests.
PUBLISHING = (("Hjemmetjenesten", 40), ("Flyktningtjenesten", 10))
# (channel, publishing group, answering groups)
CHANNELS = (
    ("Hjemmetjenesten → frivillige", "Hjemmetjenesten", ("Frivilligsentralen", "Idrettsveien bofellesskap")),
    ("Hjemmetjenesten → besøksvenner", "Hjemmetjenesten", ("Besøksvenner",)),
    ("Hjemmetjenesten → snømåking", "Hjemmetjenesten", ("Frivilligsentralen",)),
    ("Flyktningtjenesten → leksehjelp", "Flyktningtjenesten", ("Leksehjelp",)),
    ("Flyktningtjenesten → frivillige", "Flyktningtjenesten", ("Frivilligsentralen", "Leksehjelp")),
)
TITLES = (
    "Følge til fastlegen",
    "Handle matvarer på Coop Gimse",
    "Snømåking av innkjørsel",
    "Besøksvenn en time",
    "Hente resept på apoteket",
    "Følge til tannlegen",
    "Leksehjelp i matte",
    "Språktrening over en kopp kaffe",
    "Bære ved inn",
    "Tur med rullator langs Gaula",
)
AREAS = ("Melhus sentrum", "Gimse", "Kvål", "Lundamo", "Hovin", "Korsvegen", "Flå")
# (state, share of all requests, posted within this many days back)
STATES = (
    ("open", 0.10, 21),
    ("agreed", 0.08, 45),
    ("completed", 0.55, 365),
    ("cancelled", 0.12, 365),
    ("expired", 0.15, 365),
)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--members", type=int, default=5_000, help="answering members (default 5000)")
    parser.add_argument("--requests", type=int, default=100_000, help="requests in the tenant (default 100000)")
    parser.add_argument("--calls", type=int, default=200, help="timed calls, over random members (default 200)")
    args = parser.parse_args()
    if min(args.members, args.requests, args.calls) < 1:
        parser.error("--members, --requests and --calls must be at least 1")
    return args


def main() -> None:
    args = parse_args()
    raise_on_sigterm()
    server_url = require_env("DATABASE_URL")
    # Timed as a server runs: DEBUG off (which needs a key; nothing signed outlives the run).
    os.environ["DEBUG"] = "false"
    os.environ["SECRET_KEY"] = "bench-feed-not-a-secret"
    with scratch_database(server_url, SCRATCH_DB) as url:
        setup_django(url)
        schema = provision(SLUG, "Bench Feed kommune")
        from django_tenants.utils import schema_context

        with schema_context(schema):
            world = build(members=args.members, requests=args.requests)
            results = measure(world, calls=args.calls)
            plan = explain(world)
    report(results, plan=plan, world=world)


def provision(slug: str, name: str) -> str:
    from tenants.services import provision_tenant

    log(f"provisioning tenant {slug}")
    tenant = provision_tenant(
        slug=slug, name=name, kind="municipality", country="NO", language="nb", org_number="938726027"
    )
    return str(tenant.schema_name)


# --- Building the tenant -----------------------------------------------------------------------


@dataclass
class World:
    members: list[Any]
    posters: list[Any]
    counts: dict[str, int] = field(default_factory=dict)


def bulk_users(*, prefix: str, count: int, name: str) -> list[Any]:
    """People with unique Norwegian mobile numbers and no usable password (members use SMS codes)."""
    from core.accounts.models import User

    users = [
        User(
            phone=f"+47{prefix}{index:06d}",
            name=f"{name} {index}",
            language="nb",
            password="!",
        )
        for index in range(count)
    ]
    return User.objects.bulk_create(users, batch_size=BATCH)


def bulk_memberships(group: Any, users: Sequence[Any], *, role: str = "member", status: str = "approved") -> list[Any]:
    from core.groups.models import Membership

    now = datetime.now().astimezone()
    rows = [
        Membership(group=group, user=user, role=role, status=status, applied_at=now, status_changed_at=now)
        for user in users
    ]
    return Membership.objects.bulk_create(rows, batch_size=BATCH)


def require_training(group: Any, memberships: Sequence[Any], *, share: float, rng: random.Random) -> int:
    """The group requires a training; `share` of its approved members have a valid record of it."""
    from core.qualification.models import Requirement, RequirementKind, TrainingRecord

    requirement = Requirement.objects.create(
        group=group, kind=RequirementKind.TRAINING, training_name="Kurs for frivillige", validity_months=24
    )
    from django.utils import timezone

    today = timezone.localdate()
    records = [
        TrainingRecord(
            membership=membership,
            requirement=requirement,
            completed_on=today - timedelta(days=rng.randrange(30, 600)),
            expires_on=today + timedelta(days=rng.randrange(30, 700)),
        )
        for membership in memberships
        if membership.status == "approved" and rng.random() < share
    ]
    TrainingRecord.objects.bulk_create(records, batch_size=BATCH)
    return len(records)


def build(*, members: int, requests: int, rng: random.Random | None = None) -> World:
    from django.db import connection

    from core.groups.models import Category, Channel, Group

    rng = rng or random.Random(SEED)  # noqa: S311 - reproducible benchmark data, not secrets
    started = time.perf_counter()
    categories = [
        Category.objects.create(key=key, name=name, position=position)
        for position, (key, name) in enumerate(
            (("escort", "Følge"), ("shopping", "Handling"), ("visit", "Besøk"), ("practical", "Praktisk hjelp"))
        )
    ]
    groups = {
        name: Group.objects.create(name=name, purpose="resource", join_policy="approval", area="Melhus")
        for name, _ in ANSWERING
    }
    groups |= {
        name: Group.objects.create(name=name, purpose="need", join_policy="approval", area="Melhus")
        for name, _ in PUBLISHING
    }
    channels = []
    for name, publishing, answering in CHANNELS:
        channel = Channel.objects.create(name=name)
        channel.publishing_groups.add(groups[publishing])
        channel.answering_groups.add(*(groups[group] for group in answering))
        channels.append((channel, groups[publishing]))

    log(f"creating {members} members")
    people = bulk_users(prefix="90", count=members, name="Frivillig")
    counts = {"members": len(people), "trained": 0, "memberships": 0}
    # Each member is in one or two answering groups; 5 % of the applications still wait.
    by_group: dict[str, list[Any]] = {name: [] for name, _ in ANSWERING}
    for person in people:
        for name in rng.sample([name for name, _ in ANSWERING], k=rng.choice((1, 1, 2))):
            by_group[name].append(person)
    for name, trained in ANSWERING:
        approved, waiting = [], []
        for person in by_group[name]:
            (approved if rng.random() < 0.95 else waiting).append(person)
        memberships = bulk_memberships(groups[name], approved) + bulk_memberships(
            groups[name], waiting, status="applied"
        )
        counts["memberships"] += len(memberships)
        if trained:
            counts["trained"] += require_training(groups[name], memberships, share=0.8, rng=rng)

    posters: list[Any] = []
    for index, (name, staff) in enumerate(PUBLISHING):
        users = bulk_users(prefix=f"8{index}", count=staff, name=f"Ansatt {name}")
        bulk_memberships(groups[name], users, role="staff")
        posters += users

    log(f"creating {requests} requests")
    counts |= create_requests(count=requests, channels=channels, posters=posters, categories=categories, rng=rng)
    with connection.cursor() as cursor:
        # Production has statistics from autovacuum; a fresh bulk load has none until analysed.
        cursor.execute("ANALYZE")
    log(f"built the tenant in {time.perf_counter() - started:.1f} s")
    return World(members=people, posters=posters, counts=counts)


def create_requests(
    *,
    count: int,
    channels: Sequence[tuple[Any, Any]],
    posters: Sequence[Any],
    categories: Sequence[Any],
    rng: random.Random,
) -> dict[str, int]:
    from django.utils import timezone

    from core.groups.models import Membership
    from core.requests.models import HelpRequest

    now = timezone.now()
    staff_of: dict[uuid.UUID, list[Any]] = {}
    by_id = {user.pk: user for user in posters}
    for user_id, group_id in Membership.objects.filter(role="staff").values_list("user_id", "group_id"):
        staff_of.setdefault(group_id, []).append(by_id[user_id])
    states = [state for state, _, _ in STATES]
    weights = [share for _, share, _ in STATES]
    days_back = {state: days for state, _, days in STATES}
    counts = dict.fromkeys(states, 0)
    batch: list[HelpRequest] = []
    for _ in range(count):
        channel, group = rng.choice(channels)
        poster = rng.choice(staff_of[group.pk])
        state = rng.choices(states, weights)[0]
        counts[state] += 1
        created = now - timedelta(seconds=rng.uniform(0, days_back[state] * 86_400))
        expires = created + timedelta(days=30 if state == "open" else 7)
        if state == "open" and expires <= now:
            expires = now + timedelta(days=1)
        agreed = created + timedelta(hours=rng.uniform(1, 48)) if state in ("agreed", "completed") else None
        closed = None
        if state == "completed":
            closed = (agreed or created) + timedelta(days=rng.uniform(1, 5))
        elif state == "cancelled":
            closed = created + timedelta(hours=rng.uniform(1, 72))
        elif state == "expired":
            closed = expires
        batch.append(
            HelpRequest(
                channel=channel,
                poster_group=group,
                posted_by=poster,
                title=rng.choice(TITLES),
                description="Kan noen hjelpe? Ta kontakt om du lurer på noe.",
                category=rng.choice([*categories, None]),
                area=rng.choice(AREAS),
                state=state,
                created_at=created,
                state_changed_at=closed or agreed or created,
                expires_at=expires,
                first_offer_at=created + timedelta(hours=1) if agreed else None,
                agreed_at=agreed,
                closed_at=closed,
                cancel_reason="Ikke lenger behov." if state == "cancelled" else "",
                fanout_done_at=created,
                # A few open requests are hidden by a moderator, so the filter has something to drop.
                hidden_at=now if state == "open" and rng.random() < 0.01 else None,
            )
        )
        if len(batch) == BATCH:
            HelpRequest.objects.bulk_create(batch)
            batch = []
    HelpRequest.objects.bulk_create(batch)
    return counts


# --- Measuring ---------------------------------------------------------------------------------


@dataclass
class Samples:
    ms: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)
    # For the calls with the most statements: each statement's SQL and its milliseconds, in order.
    statements: list[list[tuple[str, float]]] = field(default_factory=list)


def timed(call: Callable[[Any], int], member: Any) -> tuple[float, list[tuple[str, float]], int]:
    """Milliseconds of the call, and each SQL statement with its own milliseconds (perf_counter, not
    CaptureQueriesContext's times, which are rounded to whole milliseconds)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    statements: list[tuple[str, float]] = []

    def timing(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            statements.append((sql, (time.perf_counter() - started) * 1000))

    with CaptureQueriesContext(connection) as captured, connection.execute_wrapper(timing):
        started = time.perf_counter()
        rows = call(member)
        elapsed = time.perf_counter() - started
    if len(captured) != len(statements):
        raise RuntimeError(f"counted {len(captured)} statements but timed {len(statements)}")
    return elapsed * 1000, statements, rows


def measure(world: World, *, calls: int) -> dict[str, Samples]:
    from django.db import connection
    from django.test import Client
    from rest_framework.authtoken.models import Token

    from core.requests.selectors import feed_for
    from tenants.db import tenant_connection

    rng = random.Random(SEED + 1)  # noqa: S311 - reproducible choice of members
    chosen = [rng.choice(world.members) for _ in range(calls)]
    tokens = {user.pk: Token(key=Token.generate_key(), user=user) for user in set(chosen)}
    Token.objects.bulk_create(tokens.values(), batch_size=BATCH)
    client = Client(HTTP_HOST=HOST)
    schema_tenant = tenant_connection().tenant

    def selector(member: Any) -> int:
        return len(list(feed_for(member=member)[:30]))

    def api(member: Any) -> int:
        try:
            response = client.get(FEED_PATH, HTTP_AUTHORIZATION=f"Token {tokens[member.pk].key}")
        finally:
            # The request moved the connection to the host's schema; stay in the bench tenant's.
            tenant_connection().set_tenant(schema_tenant)
        if response.status_code != 200:
            raise RuntimeError(f"GET {FEED_PATH} answered {response.status_code}: {response.content[:300]!r}")
        return len(response.json()["results"])

    # Warm-up: imports, URL resolving, the host route, prepared plans; not what a warm server pays.
    for member in chosen[:10]:
        selector(member)
        api(member)
    results = {"selector": Samples(), "api": Samples()}
    log(f"timing {calls} calls of each over random members")
    for index, member in enumerate(chosen):
        # Alternate the order so that neither always finds the other's pages in the cache.
        order = (("selector", selector), ("api", api)) if index % 2 == 0 else (("api", api), ("selector", selector))
        for name, call in order:
            ms, statements, rows = timed(call, member)
            sample = results[name]
            sample.ms.append(ms)
            sample.queries.append(len(statements))
            sample.rows.append(rows)
            if len(statements) == max(sample.queries):
                if sample.statements and len(sample.statements[0]) < len(statements):
                    sample.statements = []
                sample.statements.append(statements)
    connection.close()
    return results


def explain(world: World) -> tuple[str, str, int]:
    """EXPLAIN ANALYZE of the feed for the member who reaches the most channels."""
    from core.requests.selectors import feed_for, reach_of

    member = max(world.members[:500], key=lambda user: len(reach_of(user).answer_channel_ids))
    channels = len(reach_of(member).answer_channel_ids)
    feed = feed_for(member=member)
    plan = feed[:30].explain(analyze=True, buffers=True)
    # The API pages with CursorPagination, which orders by -created_at alone and fetches one extra row.
    api_plan = feed.order_by("-created_at")[:31].explain(analyze=True, buffers=True)
    return plan, api_plan, channels


def percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def report(results: dict[str, Samples], *, plan: tuple[str, str, int], world: World) -> None:
    counts = world.counts
    states = ", ".join(f"{state} {counts[state]}" for state, _, _ in STATES)
    print(
        f"Tenant: {counts['members']} members ({counts['memberships']} memberships, {counts['trained']} training "
        f"records), {len(world.posters)} staff posting, {len(CHANNELS)} channels; requests: {states}"
    )
    labels = {
        "selector": "list(feed_for(member=m)[:30])",
        "api": f"GET {FEED_PATH} (test client, token)",
    }
    print(f"{'call':<44} {'calls':>5} {'median ms':>10} {'p95 ms':>8} {'max ms':>8} {'SQL/call':>9} {'rows':>6}")
    for name, sample in results.items():
        queries = sorted(set(sample.queries))
        sql = str(queries[0]) if len(queries) == 1 else f"{queries[0]}-{queries[-1]}"
        print(
            f"{labels[name]:<44} {len(sample.ms):>5} {statistics.median(sample.ms):>10.2f} "
            f"{percentile(sample.ms, 0.95):>8.2f} {max(sample.ms):>8.2f} {sql:>9} {statistics.mean(sample.rows):>6.1f}"
        )
    for name, sample in results.items():
        print(f"\n{labels[name]}: median ms per SQL statement, over the {len(sample.statements)} calls with the most")
        per_statement = list(zip(*sample.statements, strict=True))
        sql_total = 0.0
        for position, runs in enumerate(per_statement, start=1):
            ms = statistics.median(run[1] for run in runs)
            sql_total += ms
            print(f"  {position}. {ms:6.2f}  {' '.join(runs[0][0].split())[:150]}")
        print(f"  SQL {sql_total:.2f} ms of a median call of {statistics.median(sample.ms):.2f} ms; the rest is Python")
    selector_plan, api_plan, channels = plan
    print(f"\nEXPLAIN (ANALYZE, BUFFERS) of feed_for(...)[:30] for a member answering {channels} channel(s):")
    print(selector_plan)
    print("\nEXPLAIN (ANALYZE, BUFFERS) of the API's page (CursorPagination: ORDER BY created_at DESC LIMIT 31):")
    print(api_plan)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(130)
