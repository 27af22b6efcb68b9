"""/healthz and /readyz answer on every host and tell the truth about their dependencies."""

import socket

import pytest
from django.db import connection
from django.test import Client, override_settings
from pytest_django import DjangoDbBlocker

from tenants.models import Tenant

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed_port() -> int:
    """A local TCP port that nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.parametrize("host", ["localhost", "melhus.localhost", "nowhere.localhost", "10.0.0.7"])
def test_healthz_answers_on_every_host(host: str, melhus: Tenant) -> None:
    response = Client().get("/healthz", HTTP_HOST=host)
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.parametrize("host", ["localhost", "melhus.localhost", "10.0.0.7"])
def test_readyz_is_ok_when_database_and_broker_answer(host: str, melhus: Tenant) -> None:
    response = Client().get("/readyz", HTTP_HOST=host)
    assert response.status_code == 200, response.json()
    assert response.json()["checks"] == {"database": "ok", "broker": "ok"}


def test_readyz_is_503_when_the_broker_is_down(closed_port: int) -> None:
    with override_settings(CELERY_BROKER_URL=f"redis://127.0.0.1:{closed_port}/0"):
        response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["broker"] == "unreachable"


def test_readyz_is_503_when_the_database_is_down(closed_port: int, django_db_blocker: DjangoDbBlocker) -> None:
    real_port = connection.settings_dict["PORT"]
    connection.close()
    connection.settings_dict["PORT"] = str(closed_port)
    try:
        response = Client().get("/readyz")
    finally:
        connection.settings_dict["PORT"] = real_port
        connection.close()
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "unreachable"


def test_readyz_reports_eager_mode_without_a_broker() -> None:
    with override_settings(CELERY_TASK_ALWAYS_EAGER=True, CELERY_BROKER_URL="redis://127.0.0.1:1/0"):
        response = Client().get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"]["broker"] == "eager"
