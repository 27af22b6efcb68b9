"""A login to one tenant opens nothing in another: not its session token, its cookie, nor its code."""

import pytest
from django.contrib.sessions.models import Session

from tenants.models import Tenant
from tests.conftest import host_client, in_schema
from tests.factories import UserFactory

from .conftest import App, last_code, sms_to

pytestmark = pytest.mark.django_db

PHONE = "+4791919191"


@pytest.fixture
def melhus_app(melhus: Tenant) -> App:
    """An app logged in to Melhus as a member whose number has no account in Red Cross."""
    with in_schema(melhus.schema_name):
        UserFactory.create(phone=PHONE)
    app = App(melhus)
    app.post("auth/code/request", {"phone": PHONE})
    assert app.post("auth/code/confirm", {"code": last_code(melhus, PHONE)}).status_code == 200
    return app


def test_melhus_session_token_opens_nothing_in_red_cross(melhus_app: App, red_cross: Tenant) -> None:
    # When Melhus's session token is shown to Red Cross's host.
    other = host_client(red_cross)
    me = other.get("/api/v1/me/", HTTP_X_SESSION_TOKEN=melhus_app.token)
    session = other.get("/api/v1/auth/session", HTTP_X_SESSION_TOKEN=melhus_app.token)

    # Then Red Cross knows no such session.
    assert me.status_code in (401, 403)
    assert session.status_code == 410
    # (while it still works at home)
    assert melhus_app.get("me/").status_code == 200


def test_melhus_session_cookie_opens_nothing_in_red_cross(melhus: Tenant, red_cross: Tenant) -> None:
    # Given a member logged in to Melhus's web pages.
    with in_schema(melhus.schema_name):
        UserFactory.create(phone=PHONE)
    browser = host_client(melhus)
    browser.post("/accounts/login/", {"login": PHONE})
    browser.post("/accounts/login/code/confirm/", {"code": last_code(melhus, PHONE)})
    assert browser.get("/api/v1/me/").status_code == 200

    # When the same cookie is sent to Red Cross's host (a browser would not even send it).
    response = browser.get("/api/v1/me/", HTTP_HOST=f"{red_cross.slug}.localhost")

    # Then Red Cross sees nobody logged in, and has no session of its own for it.
    assert response.status_code in (401, 403)
    with in_schema(red_cross.schema_name):
        assert not Session.objects.filter(session_key=browser.cookies["sessionid"].value).exists()


def test_a_code_sent_in_melhus_does_not_log_in_to_red_cross(melhus: Tenant, red_cross: Tenant) -> None:
    # Given a Melhus member with a fresh code from Melhus (and the same number has an account in Red Cross).
    with in_schema(melhus.schema_name):
        UserFactory.create(phone=PHONE)
    with in_schema(red_cross.schema_name):
        UserFactory.create(phone=PHONE)
    app = App(melhus)
    app.post("auth/code/request", {"phone": PHONE})
    code = last_code(melhus, PHONE)

    # When the code is entered on Red Cross's host, with Melhus's pending token or with none.
    with_token = host_client(red_cross).post(
        "/api/v1/auth/code/confirm", {"code": code}, content_type="application/json", HTTP_X_SESSION_TOKEN=app.token
    )
    without_token = host_client(red_cross).post(
        "/api/v1/auth/code/confirm", {"code": code}, content_type="application/json"
    )

    # Then neither logs in, and Red Cross sent no code of its own.
    assert with_token.status_code == 410
    assert without_token.status_code == 409
    assert sms_to(red_cross, PHONE) == []
    # (and the code still works where it was sent)
    assert app.post("auth/code/confirm", {"code": code}).status_code == 200


def test_a_melhus_member_asking_red_cross_for_a_code_gets_none(melhus_app: App, red_cross: Tenant) -> None:
    # When the Melhus member asks Red Cross, where the number has no account, for a code.
    response = App(red_cross).post("auth/code/request", {"phone": PHONE})

    # Then Red Cross answers as for anyone and texts a sign-up hint, never a code.
    assert response.status_code == 401
    assert [sms.kind for sms in sms_to(red_cross, PHONE)] == ["unknown_account"]
