"""The API schema describes how an app logs in, next to the endpoints it then uses."""

import pytest

from tenants.models import Tenant
from tests.conftest import host_client

pytestmark = pytest.mark.django_db


def test_schema_documents_the_login_api_as_mounted(melhus: Tenant) -> None:
    # When an app developer reads the tenant's API schema.
    schema = host_client(melhus).get("/api/schema/", {"format": "json"}).json()

    # Then it shows the SMS login endpoints at their real paths...
    paths = schema["paths"]
    for path in (
        "/api/v1/auth/code/request",
        "/api/v1/auth/code/confirm",
        "/api/v1/auth/signup",
        "/api/v1/auth/phone/verify",
    ):
        assert "post" in paths[path], path
    assert "/api/v1/auth/session" in paths
    assert not any(path.startswith("/_allauth") for path in paths)
    assert "/api/v1/auth/login" not in paths  # no password login: only what is routed is described
    # ...sign-up asks for exactly our fields...
    signup = schema["components"]["schemas"]["AuthBaseSignup"]
    assert set(signup["properties"]) == {"phone", "name"}
    # ...and the session token is how the rest of the API is opened.
    assert schema["components"]["securitySchemes"]["XSessionTokenAuth"]["name"] == "X-Session-Token"
    assert {"XSessionTokenAuth": []} in paths["/api/v1/me/"]["get"]["security"]
