"""Benchmark: requests/second of GET /api/v1/tenant/ with host routing vs with routing bypassed."""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# Run as a script, only tests/bench/ is on sys.path; the project root is needed for `tests.bench`
# and, once Django starts, for `core`.
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.bench.common import (
    REPO,
    TENANT_SCHEMA_ENV,
    log,
    raise_on_sigterm,
    require_env,
    scratch_database,
    setup_django,
)

SCRATCH_DB = "dugnad_bench_routing"
# A slug no developer tenant uses: the shared routing cache (Redis) is keyed by host name.
SLUG = "bench-routing"
HOST = f"{SLUG}.localhost"
# A host no tenant has: the routed server must answer it 404.
UNKNOWN_HOST = "no-such-tenant.localhost"
PATH = "/api/v1/tenant/"
ROUTED_SETTINGS = "core.settings.local"
BYPASS_SETTINGS = "tests.bench.bypass_settings"
READY_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0
_RPS_RE = re.compile(r"^Requests/sec:\s+([\d.]+)", re.MULTILINE)
_NON_2XX_RE = re.compile(r"Non-2xx or 3xx responses:\s+(\d+)")
_ERRORS_RE = re.compile(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")


@dataclass(frozen=True)
class Server:
    name: str
    settings: str
    port: int
    process: subprocess.Popen[bytes]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{PATH}"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=10, help="length of one measured round (default: 10)")
    parser.add_argument("--rounds", type=int, default=3, help="measured rounds per server (default: 3)")
    parser.add_argument("--warmup", type=int, default=3, help="seconds of unmeasured load per server (default: 3)")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections (default: 8)")
    parser.add_argument("--workers", type=int, default=1, help="gunicorn sync workers per server (default: 1)")
    parser.add_argument(
        "--no-pin",
        dest="pin",
        action="store_false",
        help="do not keep servers and wrk on separate CPUs (by default the last CPU is wrk's)",
    )
    args = parser.parse_args()
    if min(args.seconds, args.rounds, args.connections, args.workers) < 1 or args.warmup < 0:
        parser.error("--seconds, --rounds, --connections and --workers must be at least 1")
    return args


def main() -> None:
    args = parse_args()
    raise_on_sigterm()
    server_url = require_env("DATABASE_URL")
    redis_url = require_env("REDIS_URL")
    wrk = shutil.which("wrk")
    if wrk is None:
        sys.exit("wrk is not installed (Debian/Ubuntu: apt-get install -y wrk)")
    # The in-process measurements below should run as the servers do.
    os.environ["DEBUG"] = "false"
    with scratch_database(server_url, SCRATCH_DB) as url:
        setup_django(url, redis_url=redis_url)
        schema_name = provision()
        queries = count_queries_per_request()
        env = server_env(database_url=url, redis_url=redis_url, schema_name=schema_name)
        os.environ[TENANT_SCHEMA_ENV] = schema_name
        in_process = InProcess(middleware_us=time_middlewares(), request_us=time_requests())
        cpus = CpuSplit.plan(pin=args.pin)
        try:
            results = measure(wrk, env=env, args=args, cpus=cpus)
        finally:
            forget_bench_hosts()
    print_results(results, queries=queries, in_process=in_process, args=args, cpus=cpus)


def provision() -> str:
    from django.db import connections

    from tenants.routing import forget_routes
    from tenants.services import provision_tenant

    tenant = provision_tenant(
        slug=SLUG,
        name="Bench Routing kommune",
        kind="municipality",
        country="NO",
        language="nb",
        org_number="938726027",
    )
    # A run before may have left this host's route (another database's tenant) in the shared
    # cache; a new generation retires it. Tenant writes do this too, but only on commit.
    forget_routes()
    # The servers must not share a connection opened before they started.
    connections.close_all()
    return tenant.schema_name


def forget_bench_hosts() -> None:
    """Delete the shared-cache routes of this run's hosts, which point at the scratch database.

    They would expire within the hour anyway; the key format is routing.py's own, so if it ever
    changes this deletes nothing and they just expire.
    """
    from django.core.cache import caches

    shared = caches["platform"]
    generation = shared.get("routing:generation")
    if generation is not None:
        shared.delete_many([f"routing:host:{generation}:{host}" for host in (HOST, UNKNOWN_HOST)])


def count_queries_per_request() -> int:
    """SQL statements of one warm routed request, in this process (Django's test client)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    # The first request fills the host cache; the servers measure the warm state.
    first = client.get(PATH, HTTP_HOST=HOST)
    if first.status_code != 200:
        raise RuntimeError(f"in-process GET {PATH} on {HOST} answered {first.status_code}: {first.content[:200]!r}")
    with CaptureQueriesContext(connection) as captured:
        client.get(PATH, HTTP_HOST=HOST)
    for query in captured.captured_queries:
        log(f"SQL in a warm routed request: {query['sql']}")
    connection.close()
    return len(captured)


@dataclass(frozen=True)
class InProcess:
    """Microseconds per request measured in this process: no network, no second process."""

    middleware_us: dict[str, float]
    request_us: dict[str, float]


def time_middlewares(*, calls: int = 20_000, repeats: int = 7) -> dict[str, float]:
    """Microseconds per call of each middleware alone (in this process, warm, no network).

    This is the whole difference between the two servers, measured without the noise of two
    processes and a load generator: what routing costs per request, and what its stand-in costs.
    """
    from django.db import connection
    from django.http import HttpRequest, HttpResponse
    from django.test import RequestFactory

    from tenants.middleware import TenantRoutingMiddleware
    from tests.bench.bypass import FixedTenantMiddleware

    response = HttpResponse()

    def view(request: HttpRequest) -> HttpResponse:
        # One prepared response, so that the timings are of the middleware alone.
        return response

    middlewares: dict[str, Callable[[HttpRequest], HttpResponse]] = {
        "routed": TenantRoutingMiddleware(view),
        "bypassed": FixedTenantMiddleware(view),
    }
    request = RequestFactory().get(PATH, HTTP_HOST=HOST)
    timings: dict[str, list[float]] = {name: [] for name in middlewares}
    for middleware in middlewares.values():
        middleware(request)  # fills the routing cache; the servers are measured warm too
    for _ in range(repeats):
        for name, middleware in middlewares.items():
            started = time.perf_counter()
            for _ in range(calls):
                middleware(request)
            timings[name].append((time.perf_counter() - started) / calls * 1e6)
    connection.close()
    return {name: statistics.median(values) for name, values in timings.items()}


def time_requests(*, requests: int = 300, repeats: int = 20) -> dict[str, float]:
    """Microseconds per whole request through Django's WSGI handler, routed and bypassed.

    The same stacks as the two servers, without sockets and gunicorn; short alternating batches
    so that both see the same conditions.
    """
    import io

    from django.core.handlers.wsgi import WSGIHandler
    from django.db import connection
    from django.test.utils import override_settings

    from tests.bench.bypass_settings import MIDDLEWARE as BYPASS_MIDDLEWARE

    routed = WSGIHandler()
    # The handler reads MIDDLEWARE once, when it is built.
    with override_settings(MIDDLEWARE=BYPASS_MIDDLEWARE):
        bypassed = WSGIHandler()
    handlers = {"routed": routed, "bypassed": bypassed}

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable[[bytes], None]:
        if not status.startswith("200"):
            raise RuntimeError(f"in-process GET {PATH} on {HOST} answered {status}")
        # The write() callable of WSGI; Django never calls it.
        return lambda _data: None

    def run(handler: WSGIHandler, count: int) -> float:
        started = time.perf_counter()
        for _ in range(count):
            environ = {
                "REQUEST_METHOD": "GET",
                "PATH_INFO": PATH,
                "QUERY_STRING": "",
                "SERVER_NAME": "127.0.0.1",
                "SERVER_PORT": "80",
                "SERVER_PROTOCOL": "HTTP/1.1",
                "REMOTE_ADDR": "127.0.0.1",
                "HTTP_HOST": HOST,
                "wsgi.url_scheme": "http",
                "wsgi.input": io.BytesIO(),
                "wsgi.errors": sys.stderr,
            }
            response = handler(environ, start_response)
            b"".join(response)
            response.close()
        return (time.perf_counter() - started) / count * 1e6

    for handler in handlers.values():
        run(handler, requests)  # warm-up: lazy imports, URL resolvers, the routing cache
    timings: dict[str, list[float]] = {name: [] for name in handlers}
    for index in range(repeats):
        names = list(handlers) if index % 2 == 0 else list(handlers)[::-1]
        for name in names:
            timings[name].append(run(handlers[name], requests))
    connection.close()
    return {name: statistics.median(values) for name, values in timings.items()}


def server_env(*, database_url: str, redis_url: str, schema_name: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "DEBUG": "false",
            # Any fixed value: DEBUG=false requires one, and nothing is signed that outlives the run.
            "SECRET_KEY": "bench-routing-not-a-secret",
            "SENTRY_DSN": "",
            "LOG_LEVEL": "WARNING",
            TENANT_SCHEMA_ENV: schema_name,
            "PYTHONDONTWRITEBYTECODE": "1",
        }
    )
    return env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class CpuSplit:
    """Which CPUs the servers and the load generator may use (None: wherever the OS likes)."""

    server: frozenset[int] | None = None
    load: frozenset[int] | None = None

    @classmethod
    def plan(cls, *, pin: bool) -> CpuSplit:
        cpus = sorted(os.sched_getaffinity(0))
        if not pin or len(cpus) < 2:
            return cls()
        # wrk runs one thread, so one CPU is enough for it; the server side gets the rest. Kept
        # apart, the two never compete for a core.
        return cls(server=frozenset(cpus[:-1]), load=frozenset(cpus[-1:]))


def _child_setup(cpus: frozenset[int] | None) -> Callable[[], None]:
    """What runs in a child before exec: die with the benchmark (Linux), and stay on `cpus`."""

    def setup() -> None:
        with contextlib.suppress(OSError, AttributeError):
            pr_set_pdeathsig = 1
            # SIGTERM the child if the benchmark dies, even by SIGKILL, so no server is left behind.
            ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)
        if cpus is not None:
            os.sched_setaffinity(0, cpus)

    return setup


@contextlib.contextmanager
def gunicorn(
    name: str, settings: str, *, env: dict[str, str], workers: int, cpus: frozenset[int] | None
) -> Iterator[Server]:
    port = free_port()
    command = [
        sys.executable, "-m", "gunicorn", "core.wsgi:application",
        "--bind", f"127.0.0.1:{port}",
        "--workers", str(workers),
        "--worker-class", "sync",
        "--chdir", str(REPO),
        "--log-level", "warning",
        # Gunicorn 27 would otherwise open a control socket at one default path for every server
        # ($XDG_RUNTIME_DIR or ~/.gunicorn), which the two servers would contend for.
        "--no-control-socket",
    ]  # fmt: skip
    # Own session: a Ctrl-C in the terminal reaches only the benchmark, which then stops the server
    # itself, in order, instead of racing it.
    process = subprocess.Popen(
        command,
        env={**env, "DJANGO_SETTINGS_MODULE": settings},
        cwd=REPO,
        start_new_session=True,
        # Only prctl() and sched_setaffinity(), and this process starts no threads: the hazard of
        # PLW1509 (locks held by other threads at fork) is absent.
        preexec_fn=_child_setup(cpus),  # noqa: PLW1509
    )
    server = Server(name=name, settings=settings, port=port, process=process)
    log(f"started {name} server (gunicorn pid {process.pid}, {settings}) on port {port}")
    try:
        wait_until_ready(server)
        yield server
    finally:
        stop(server)


def wait_until_ready(server: Server) -> None:
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"{server.name} server exited with {server.process.returncode} before it was ready")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{server.port}/healthz", timeout=1) as response:
                if response.status == 200:
                    return
        except (OSError, urllib.error.URLError):
            time.sleep(0.1)
    raise RuntimeError(f"{server.name} server not ready after {READY_TIMEOUT:.0f} s")


def stop(server: Server) -> None:
    process = server.process
    if process.poll() is None:
        # SIGTERM to the gunicorn master only: it stops its own workers.
        process.terminate()
        try:
            process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            # The server is in its own session, so its process group is exactly its master and workers.
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    log(f"stopped {server.name} server (exit {process.returncode})")


def get(server: Server, host: str) -> tuple[int, str, bytes]:
    request = urllib.request.Request(server.url, headers={"Host": host})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), error.read()


def check_endpoint(server: Server, *, verbose: bool) -> None:
    """Fail loudly unless the server answers the endpoint with the bench tenant's JSON."""
    status, content_type, body = get(server, HOST)
    if status != 200 or not content_type.startswith("application/json"):
        raise RuntimeError(f"{server.name}: GET {PATH} answered {status} {content_type!r}: {body[:300]!r}")
    data = json.loads(body)
    if data.get("slug") != SLUG:
        raise RuntimeError(f"{server.name}: GET {PATH} returned another tenant: {data}")
    if verbose:
        log(f"{server.name}: GET {PATH} -> {status} {content_type} {body.decode()}")


def check_routing_is_live(server: Server) -> None:
    """An unknown host must get 404 from the routed server, else it is not routing at all."""
    status, _, body = get(server, UNKNOWN_HOST)
    if status != 404:
        raise RuntimeError(f"{server.name}: unknown host answered {status}, expected 404: {body[:300]!r}")


def run_wrk(wrk: str, server: Server, *, seconds: int, connections: int, cpus: frozenset[int] | None) -> float:
    if server.process.poll() is not None:
        raise RuntimeError(f"{server.name} server died (exit {server.process.returncode})")
    # One wrk thread: the other core is the server's (one sync worker by default).
    command = [wrk, "-t1", f"-c{connections}", f"-d{seconds}s", "-H", f"Host: {HOST}", server.url]
    result = subprocess.run(
        command,
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 30,
        preexec_fn=_child_setup(cpus),
    )
    output = result.stdout
    rps = _RPS_RE.search(output)
    if rps is None:
        raise RuntimeError(f"no Requests/sec in wrk output:\n{output}\n{result.stderr}")
    non_2xx = _NON_2XX_RE.search(output)
    if non_2xx is not None and int(non_2xx.group(1)):
        raise RuntimeError(f"{server.name}: {non_2xx.group(1)} responses were not 2xx/3xx:\n{output}")
    errors = _ERRORS_RE.search(output)
    if errors is not None and any(int(count) for count in errors.groups()):
        # Reported, not fatal: a sync worker closes each connection, and wrk may count the odd reset.
        log(f"{server.name}: wrk {errors.group(0)}")
    return float(rps.group(1))


@contextlib.contextmanager
def server_pair(env: dict[str, str], *, workers: int, cpus: frozenset[int] | None) -> Iterator[tuple[Server, Server]]:
    """The routed and the bypassed server, same code and worker count; both stopped on exit."""
    with contextlib.ExitStack() as stack:
        routed = stack.enter_context(gunicorn("routed", ROUTED_SETTINGS, env=env, workers=workers, cpus=cpus))
        bypassed = stack.enter_context(gunicorn("bypassed", BYPASS_SETTINGS, env=env, workers=workers, cpus=cpus))
        yield routed, bypassed


def measure(wrk: str, *, env: dict[str, str], args: argparse.Namespace, cpus: CpuSplit) -> dict[str, list[float]]:
    results: dict[str, list[float]] = {"routed": [], "bypassed": []}
    for index in range(args.rounds):
        # New server processes every round: one process can be several per cent faster or slower
        # than an identical other (memory layout, hash seeds), and with one pair for the whole run
        # that would pass for a difference between routed and bypassed.
        with server_pair(env, workers=args.workers, cpus=cpus.server) as servers:
            routed, _ = servers
            for server in servers:
                check_endpoint(server, verbose=index == 0)
            if index == 0:
                check_routing_is_live(routed)
            for server in servers:
                # The first requests import code lazily and fill the routing cache.
                if args.warmup:
                    run_wrk(wrk, server, seconds=args.warmup, connections=args.connections, cpus=cpus.load)
            # Alternate the order so that drift (other load on the machine) does not favour one side.
            for server in servers if index % 2 == 0 else servers[::-1]:
                rps = run_wrk(wrk, server, seconds=args.seconds, connections=args.connections, cpus=cpus.load)
                results[server.name].append(rps)
                log(f"round {index + 1}/{args.rounds} {server.name:<8} {rps:>9.1f} req/s")
    return results


def print_results(
    results: dict[str, list[float]],
    *,
    queries: int,
    in_process: InProcess,
    args: argparse.Namespace,
    cpus: CpuSplit,
) -> None:
    routed = statistics.median(results["routed"])
    bypassed = statistics.median(results["bypassed"])
    print(
        f"GET {PATH} on {HOST}: {args.workers} sync worker(s) per server, wrk -t1 -c{args.connections}, "
        f"{args.rounds} rounds x {args.seconds} s per server, fresh servers each round, alternating order"
    )
    if cpus.server is not None and cpus.load is not None:
        print(f"servers pinned to CPU {sorted(cpus.server)}, wrk to CPU {sorted(cpus.load)}")
    print(f"{'server':<10}  {'median req/s':>12}  rounds")
    for name, median in (("routed", routed), ("bypassed", bypassed)):
        rounds = "  ".join(f"{value:.1f}" for value in results[name])
        print(f"{name:<10}  {median:>12.1f}  {rounds}")
    ratio = 100 * routed / bypassed
    # Each round's pair ran back to back, so their ratio cancels drift between rounds.
    paired = statistics.median(100 * r / b for r, b in zip(results["routed"], results["bypassed"], strict=True))
    print(f"routed / bypassed = {ratio:.1f} % (target >= 95 %: {'met' if ratio >= 95 else 'NOT met'})")
    print(f"median of per-round ratios = {paired:.1f} %")
    middleware, request = in_process.middleware_us, in_process.request_us
    extra = middleware["routed"] - middleware["bypassed"]
    print(
        f"in-process, whole request: routed {request['routed']:.0f} us, bypassed {request['bypassed']:.0f} us "
        f"-> routed / bypassed = {100 * request['bypassed'] / request['routed']:.1f} % in requests/second"
    )
    print(
        f"in-process, middleware alone: routing {middleware['routed']:.1f} us, "
        f"bypass stand-in {middleware['bypassed']:.1f} us (+{extra:.1f} us per request)"
    )
    print(f"SQL statements in a warm routed request (in-process check): {queries}")


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(130)
