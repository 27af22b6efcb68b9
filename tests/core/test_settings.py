"""Configuration: production refuses to start without secrets and passes Django's deploy checks."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "core.settings.production",
    "SECRET_KEY": "a-long-random-production-secret-with-enough-entropy-0123456789abcdef",
    "DATABASE_URL": "postgres://dugnad@db.internal:5432/dugnad",
    "REDIS_URL": "redis://redis.internal:6379/0",
    "BASE_DOMAIN": "dugnad.example",
    "EMAIL_URL": "smtp+tls://mailer:secret@smtp.dugnad.example:587",
    "SMS_46ELKS_USERNAME": "u0123456789abcdef",
    "SMS_46ELKS_PASSWORD": "production-46elks-password",
}


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    inherited = {*PRODUCTION, "DEBUG", "SENTRY_DSN", "SMS_BACKEND"}
    clean = {k: v for k, v in os.environ.items() if k not in inherited}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_deploy_checks_pass_with_production_variables() -> None:
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key() -> None:
    env = {k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"}
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("SMS_BACKEND", "core.messaging.backends.filebased.FileBackend"),
        ("SMS_BACKEND", "core.messaging.backends.console.ConsoleBackend"),
        ("EMAIL_URL", "consolemail://"),
    ],
)
def test_production_refuses_message_backends_that_reach_nobody(variable: str, value: str) -> None:
    result = _manage("check", env={**PRODUCTION, variable: value})

    assert result.returncode != 0
    assert variable in result.stderr


def test_debug_off_requires_a_secret_key_in_any_settings() -> None:
    result = _manage("check", env={"DJANGO_SETTINGS_MODULE": "core.settings.production", "DEBUG": "false"})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_debug() -> None:
    result = _manage("check", env={**PRODUCTION, "DEBUG": "true"})
    assert result.returncode != 0
    assert "DEBUG must be off" in result.stderr


def test_production_cookies_are_secure_and_bound_to_the_tenants_own_host() -> None:
    script = (
        "from django.conf import settings as s;"
        "print(s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME, s.LANGUAGE_COOKIE_NAME,"
        " s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.LANGUAGE_COOKIE_SECURE,"
        " s.SESSION_COOKIE_DOMAIN, s.CSRF_COOKIE_DOMAIN, s.SESSION_COOKIE_HTTPONLY, s.CSRF_COOKIE_HTTPONLY)"
    )
    result = _manage("shell", "--no-imports", "-c", script, env=PRODUCTION)
    assert result.returncode == 0, result.stderr
    names_and_flags = result.stdout.split()
    assert names_and_flags[:3] == ["__Host-session", "__Host-csrftoken", "__Host-language"]
    assert names_and_flags[3:] == ["True", "True", "True", "None", "None", "True", "True"]
