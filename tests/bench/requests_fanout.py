"""Benchmark: posting a request into a channel whose answering group has 10,000 eligible members.

Builds one tenant in a scratch database (bulk_create): a home-care group whose staff member posts,
an answering group that requires a training, 10,000 approved members with a valid training record
(the eligible ones) and 1,000 who are not eligible (500 still applying, 500 without the training).
It starts a real Celery worker (`celery -A core worker`, a subprocess on the Redis in REDIS_URL,
against the scratch database), then for each sample posts through the API as the poster does
(`POST /api/v1/requests/` with Django's test client on the tenant's host, token auth) and times:

- the POST's response time (what the poster waits for; the fan-out task is dispatched on commit);
- the time until the first and until all 10,000 outbox rows exist, and until the task has stamped
  the request's fan-out done (the worker's `requests.notify_new_request`);
- the time until the worker has handed all 10,000 SMS to the backend (a file here: no network).

SMS go to a temporary file and e-mail nowhere, never to the developer's .dev/sms.jsonl.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.bench.common import REPO, log, raise_on_sigterm, require_env, scratch_database, setup_django
from tests.bench.requests_feed import bulk_memberships, bulk_users, provision, require_training

SCRATCH_DB = "dugnad_bench_requests_fanout"
SLUG = "bench-fanout"
HOST = f"{SLUG}.localhost"
POST_PATH = "/api/v1/requests/"
# DEBUG=false needs a secret key; nothing signed outlives the run.
SECRET_KEY = "bench-fanout-not-a-secret"
STOP_TIMEOUT = 30.0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--eligible", type=int, default=10_000, help="eligible members (default 10000)")
    parser.add_argument("--samples", type=int, default=3, help="requests posted and timed (default 3)")
    parser.add_argument("--concurrency", type=int, default=2, help="worker processes (celery prefork, default 2)")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds to wait per sample (default 600)")
    args = parser.parse_args()
    if min(args.eligible, args.samples, args.concurrency) < 1:
        parser.error("--eligible, --samples and --concurrency must be at least 1")
    return args


def main() -> None:
    args = parse_args()
    raise_on_sigterm()
    server_url = require_env("DATABASE_URL")
    redis_url = require_env("REDIS_URL")
    with tempfile.TemporaryDirectory(prefix="dugnad-bench-fanout-") as scratch_dir:
        quiet_env = {
            # Servers run without DEBUG; it would also keep every SQL statement of the worker in memory.
            "DEBUG": "false",
            "SECRET_KEY": SECRET_KEY,
            "SMS_BACKEND": "core.messaging.backends.filebased.FileBackend",
            "SMS_FILE_PATH": str(Path(scratch_dir) / "sms.jsonl"),
            "EMAIL_URL": "dummymail://",
            "CELERY_TASK_ALWAYS_EAGER": "false",
        }
        os.environ.update(quiet_env)
        with scratch_database(server_url, SCRATCH_DB) as url:
            setup_django(url, redis_url=redis_url)
            schema = provision(SLUG, "Bench Fanout kommune")
            from django_tenants.utils import schema_context

            with schema_context(schema):
                scene = build(eligible=args.eligible)
            env = {**os.environ, **quiet_env, "DATABASE_URL": url, "REDIS_URL": redis_url}
            try:
                with worker(env=env, concurrency=args.concurrency), schema_context(schema):
                    results = measure(scene, samples=args.samples, timeout=args.timeout)
            finally:
                forget_bench_host()
    report(results, scene=scene, concurrency=args.concurrency)


# --- The tenant --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scene:
    token: str
    channel_id: str
    warmup_channel_id: str
    eligible: int
    ineligible: int


def build(*, eligible: int) -> Scene:
    import random

    from django.db import connection
    from rest_framework.authtoken.models import Token

    from core.groups.models import Channel, Group

    rng = random.Random(7)  # noqa: S311 - reproducible benchmark data
    started = time.perf_counter()
    home_care = Group.objects.create(name="Hjemmetjenesten", purpose="need", join_policy="approval")
    volunteers = Group.objects.create(name="Frivilligsentralen", purpose="resource", join_policy="approval")
    few = Group.objects.create(name="Besøksvenner", purpose="resource", join_policy="approval")
    channel = Channel.objects.create(name="Hjemmetjenesten → frivillige")
    channel.publishing_groups.add(home_care)
    channel.answering_groups.add(volunteers)
    warmup = Channel.objects.create(name="Hjemmetjenesten → besøksvenner")
    warmup.publishing_groups.add(home_care)
    warmup.answering_groups.add(few)

    (nurse,) = bulk_users(prefix="80", count=1, name="Sykepleier")
    bulk_memberships(home_care, [nurse], role="staff")
    log(f"creating {eligible} eligible members and 1000 who are not")
    people = bulk_users(prefix="90", count=eligible + 1_000, name="Frivillig")
    approved = bulk_memberships(volunteers, people[: eligible + 500])
    bulk_memberships(volunteers, people[eligible + 500 :], status="applied")
    # Everyone approved has the training but the last 500: approved, yet not qualified.
    trained = require_training(volunteers, approved[:eligible], share=1.0, rng=rng)
    bulk_memberships(few, people[:10])
    token = Token.objects.create(user=nurse)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    log(f"built the tenant in {time.perf_counter() - started:.1f} s")
    return Scene(
        token=token.key,
        channel_id=str(channel.pk),
        warmup_channel_id=str(warmup.pk),
        eligible=trained,
        ineligible=1_000,
    )


def forget_bench_host() -> None:
    """Delete this run's host route from the shared cache (it points at the scratch database)."""
    from django.core.cache import caches

    shared = caches["platform"]
    generation = shared.get("routing:generation")
    if generation is not None:
        shared.delete(f"routing:host:{generation}:{HOST}")


# --- The worker --------------------------------------------------------------------------------


def _die_with_parent() -> None:
    with contextlib.suppress(OSError, AttributeError):
        pr_set_pdeathsig = 1
        # SIGTERM the worker if the benchmark dies, even by SIGKILL, so none is left behind.
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


@contextlib.contextmanager
def worker(*, env: dict[str, str], concurrency: int) -> Iterator[None]:
    command = [
        sys.executable, "-m", "celery", "-A", "core", "worker",
        "--pool", "prefork",
        "--concurrency", str(concurrency),
        "--loglevel", "WARNING",
        "--without-gossip", "--without-mingle", "--without-heartbeat",
    ]  # fmt: skip
    # Own session: Ctrl-C reaches only the benchmark, which then stops the worker itself.
    process = subprocess.Popen(
        command,
        env=env,
        cwd=REPO,
        # Its banner and log are progress, not results: stderr, so stdout carries only the figures.
        stdout=sys.stderr,
        start_new_session=True,
        # Only prctl(), and this process starts no threads before it: no lock is held at fork.
        preexec_fn=_die_with_parent,  # noqa: PLW1509
    )
    log(f"started celery worker (pid {process.pid}, prefork x{concurrency})")
    try:
        yield
    finally:
        if process.poll() is None:
            # SIGTERM to the main process only: a warm shutdown that stops its own children.
            process.terminate()
            try:
                process.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                # The worker is in its own session: its process group is exactly it and its children.
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        log(f"stopped celery worker (exit {process.returncode})")


# --- Measuring ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sample:
    response_ms: float
    first_row_s: float
    all_rows_s: float
    fanout_done_s: float
    all_sent_s: float
    rows: int


def wait_for(predicate: Callable[[], bool], *, started: float, timeout: float, what: str) -> float:
    """Seconds from `started` until the predicate holds, polling every 20 ms."""
    deadline = time.perf_counter() + timeout
    while not predicate():
        if time.perf_counter() > deadline:
            raise RuntimeError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.02)
    return time.perf_counter() - started


def post(scene: Scene, *, channel_id: str, title: str) -> tuple[Any, float]:
    from django.test import Client

    from tenants.db import tenant_connection

    schema_tenant = tenant_connection().tenant
    client = Client(HTTP_HOST=HOST)
    started = time.perf_counter()
    try:
        response = client.post(
            POST_PATH,
            {"channel": channel_id, "title": title, "area": "Gimse"},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Token {scene.token}",
        )
    finally:
        elapsed = time.perf_counter() - started
        tenant_connection().set_tenant(schema_tenant)
    if response.status_code != 201:
        raise RuntimeError(f"POST {POST_PATH} answered {response.status_code}: {response.content[:300]!r}")
    return response.json()["id"], elapsed


def one_sample(scene: Scene, *, channel_id: str, title: str, expected: int, timeout: float) -> Sample:
    from core.messaging.models import OutboxMessage, Status
    from core.requests.models import HelpRequest

    before = OutboxMessage.objects.count()
    started = time.perf_counter()
    request_id, response_s = post(scene, channel_id=channel_id, title=title)
    rows = OutboxMessage.objects.all()

    first = wait_for(lambda: rows.count() > before, started=started, timeout=timeout, what="the first outbox row")
    every = wait_for(
        lambda: rows.count() >= before + expected, started=started, timeout=timeout, what=f"{expected} outbox rows"
    )
    done = wait_for(
        lambda: HelpRequest.objects.filter(pk=request_id, fanout_done_at__isnull=False).exists(),
        started=started,
        timeout=timeout,
        what="the fan-out to finish",
    )
    sent = wait_for(
        lambda: not rows.filter(status=Status.PENDING).exists() and not rows.filter(status="sending").exists(),
        started=started,
        timeout=timeout,
        what="every SMS to be handed to the backend",
    )
    return Sample(
        response_ms=response_s * 1000,
        first_row_s=first,
        all_rows_s=every,
        fanout_done_s=done,
        all_sent_s=sent,
        rows=rows.count() - before,
    )


def measure(scene: Scene, *, samples: int, timeout: float) -> list[Sample]:
    # Untimed warm-up into a channel of 10 members: the worker's first task imports and connects.
    log("warm-up: a request to 10 members")
    one_sample(scene, channel_id=scene.warmup_channel_id, title="Besøksvenn en time", expected=10, timeout=timeout)
    results = []
    for index in range(samples):
        sample = one_sample(
            scene,
            channel_id=scene.channel_id,
            title=f"Handle matvarer på Coop Gimse ({index + 1})",
            expected=scene.eligible,
            timeout=timeout,
        )
        log(
            f"sample {index + 1}: POST {sample.response_ms:.0f} ms, all {sample.rows} outbox rows after "
            f"{sample.all_rows_s:.2f} s, all sent after {sample.all_sent_s:.2f} s"
        )
        results.append(sample)
    return results


def report(results: list[Sample], *, scene: Scene, concurrency: int) -> None:
    print(
        f"POST {POST_PATH} into a channel with {scene.eligible} eligible members ({scene.ineligible} more not "
        f"eligible); real worker: celery prefork x{concurrency} on Redis; seconds from the POST's start"
    )
    print(
        f"{'sample':>6} {'POST ms':>8} {'first row s':>12} {'all rows s':>11} {'task done s':>12} "
        f"{'all sent s':>11} {'rows':>6}"
    )
    for index, sample in enumerate(results, start=1):
        print(
            f"{index:>6} {sample.response_ms:>8.1f} {sample.first_row_s:>12.2f} {sample.all_rows_s:>11.2f} "
            f"{sample.fanout_done_s:>12.2f} {sample.all_sent_s:>11.2f} {sample.rows:>6}"
        )
    print(
        f"median {statistics.median(s.response_ms for s in results):>8.1f} "
        f"{statistics.median(s.first_row_s for s in results):>12.2f} "
        f"{statistics.median(s.all_rows_s for s in results):>11.2f} "
        f"{statistics.median(s.fanout_done_s for s in results):>12.2f} "
        f"{statistics.median(s.all_sent_s for s in results):>11.2f}"
    )


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(130)
