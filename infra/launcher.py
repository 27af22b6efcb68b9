"""Run the whole product for development: web, worker and beat on private services, demo data."""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from infra.services import REPO, ServiceUnavailable, backing_services, ensure_redis_installed

PYTHON = sys.executable


def _say(message: str) -> None:
    print(f"[dugnad] {message}", flush=True)


def _manage(*args: str, env: dict[str, str]) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=REPO, env=env, check=True, stdin=subprocess.DEVNULL)


def _start(name: str, args: list[str], env: dict[str, str]) -> tuple[str, subprocess.Popen[bytes]]:
    # Each child leads its own process group so one Ctrl-C is delivered once, by us, in order.
    return name, subprocess.Popen(args, cwd=REPO, env=env, stdin=subprocess.DEVNULL, start_new_session=True)


def run_demo(*, port: int, install_redis: bool) -> int:
    if install_redis and not ensure_redis_installed():
        _say("redis-server could not be installed; background tasks will run in-process")
    with backing_services(need_redis=False) as service_env:
        env = {**os.environ, **service_env, "DJANGO_SETTINGS_MODULE": "core.settings.local", "PYTHONUNBUFFERED": "1"}
        _say("migrating the public schema and every tenant schema")
        _manage("migrate_schemas", "-v", "0", env=env)
        _say("seeding the demo (Melhus kommune, Melhus Røde Kors)")
        _manage("seed_demo", env=env)

        children = [_start("web", [PYTHON, "manage.py", "runserver", f"127.0.0.1:{port}"], env)]
        if "REDIS_URL" in service_env or os.environ.get("REDIS_URL"):
            celery = [PYTHON, "-m", "celery", "-A", "core"]
            schedule = str(REPO / ".dev" / "celerybeat-schedule")
            children.append(_start("worker", [*celery, "worker", "-l", "INFO", "--concurrency", "2"], env))
            children.append(_start("beat", [*celery, "beat", "-l", "INFO", "-s", schedule], env))
        else:
            _say("no Redis: no worker or beat; tasks run eagerly inside the web process")

        base = os.environ.get("BASE_DOMAIN", "localhost")
        _say("ready — open:")
        _say(f"  public site          http://{base}:{port}/        (admin: /admin/, +4740000099 / dugnad-demo)")
        _say(f"  vendor console       http://{base}:{port}/console/  (same login, then a TOTP code)")
        _say(f"  Melhus kommune       http://melhus.{base}:{port}/")
        _say(f"  Melhus Røde Kors     http://melhus-rodekors.{base}:{port}/")
        _say(f"  API docs (a tenant)  http://melhus.{base}:{port}/api/docs/")
        _say(f"  log in               http://melhus.{base}:{port}/accounts/login/  (admin: +4740000001)")
        _say("  SMS codes            tail -f .dev/sms.jsonl   (the demo's SMS go to this file)")
        _say("press Ctrl-C to stop everything")
        return _supervise(children)


def _supervise(children: list[tuple[str, subprocess.Popen[bytes]]]) -> int:
    code = 0
    try:
        while True:
            for name, child in children:
                if child.poll() is not None:
                    _say(f"{name} exited with {child.returncode}; stopping the rest")
                    return child.returncode or 1
            time.sleep(0.5)
    except KeyboardInterrupt:
        _say("stopping")
        code = 130
    finally:
        for _name, child in children:
            if child.poll() is None:
                os.killpg(child.pid, signal.SIGTERM)
        deadline = time.monotonic() + 15
        for _name, child in children:
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(child.pid, signal.SIGKILL)
                child.wait()
    return code


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument("--no-install", action="store_true", help="do not try to install redis-server")
    options = parser.parse_args()
    # Ctrl-C must work even when started from a shell that ignores SIGINT for background jobs;
    # SIGTERM (e.g. from `kill`) stops everything the same way.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        return run_demo(port=options.port, install_redis=not options.no_install)
    except ServiceUnavailable as error:
        _say(f"error: {error}")
        return 1
    except subprocess.CalledProcessError as error:
        _say(f"error: {' '.join(map(str, error.cmd))} failed with {error.returncode}")
        return 1


if __name__ == "__main__":
    sys.exit(main())
