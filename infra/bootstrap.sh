#!/usr/bin/env bash
# Create <repo>/.venv and (re)install the project into it when pyproject.toml changed.
# Run it (`bash infra/bootstrap.sh`) or source it (`. infra/bootstrap.sh`, which also puts
# .venv/bin first on PATH). Non-interactive: safe for CI (CI=true, no stdin).

_dugnad_bootstrap() (
    # A subshell body: strict mode must not leak into a shell that sources this file.
    set -euo pipefail
    repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
    venv="$repo/.venv"
    stamp="$venv/.installed-stamp"
    say() { echo "[bootstrap] $*" >&2; }

    if [ ! -x "$venv/bin/python" ]; then
        python=""
        for candidate in ${PYTHON:-} python3 python3.13 python3.12 python3.11; do
            if command -v "$candidate" >/dev/null 2>&1 &&
                "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
                python="$candidate"
                break
            fi
        done
        if [ -z "$python" ]; then
            say "error: Python >= 3.11 is required (found: $(python3 --version 2>&1 || echo none))."
            say "Install it (Debian/Ubuntu: apt-get install python3) or set PYTHON=/path/to/python3.11+."
            exit 1
        fi
        say "creating $venv with $("$python" --version 2>&1)"
        # --clear: a venv left half-made by an interrupted run is rebuilt, not trusted.
        if ! "$python" -m venv --clear "$venv" </dev/null; then
            say "error: '$python -m venv' failed (Debian/Ubuntu: apt-get install python3-venv)."
            exit 1
        fi
        rm -f "$stamp"
    fi

    if [ ! -f "$stamp" ] || [ "$repo/pyproject.toml" -nt "$stamp" ]; then
        say "installing the project and its dev dependencies into .venv"
        (cd "$repo" && PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1 \
            "$venv/bin/pip" install -q -e '.[dev]' </dev/null)
        touch "$stamp"
    else
        say ".venv is up to date"
    fi
)

if [ "${BASH_SOURCE[0]}" != "$0" ]; then
    # Sourced: report failure without killing the caller's shell, and activate the venv.
    if _dugnad_bootstrap; then
        PATH="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/.venv/bin:$PATH"
        export PATH
    else
        return 1
    fi
else
    _dugnad_bootstrap
fi
