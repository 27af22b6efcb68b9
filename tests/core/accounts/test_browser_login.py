"""People sign up and log in with an SMS code on the tenant's web pages at /accounts/."""

import pytest

from core.accounts.models import User
from tenants.models import Tenant
from tests.conftest import host_client, in_schema
from tests.factories import UserFactory

from .conftest import english_browser, last_code, sms_to

pytestmark = pytest.mark.django_db


def test_login_page_asks_for_a_phone_number_only(melhus: Tenant) -> None:
    # When someone opens the login page.
    page = english_browser(melhus).get("/accounts/login/").content.decode()

    # Then it asks for a number (as a phone keyboard) and no password.
    assert 'type="tel"' in page
    assert 'inputmode="tel"' in page
    assert 'type="password"' not in page


def test_member_logs_in_on_the_web_with_a_code(melhus: Tenant) -> None:
    # Given a member who types their number without the country code.
    with in_schema(melhus.schema_name):
        member = UserFactory.create(phone="+4794141414")
    browser = host_client(melhus)

    # When they ask for a code on the login page and enter it.
    asked = browser.post("/accounts/login/", {"login": "941 41 414"})
    confirmed = browser.post("/accounts/login/code/confirm/", {"code": last_code(melhus, "+4794141414")})

    # Then they are sent home logged in, and the API knows them by their cookie.
    assert asked["Location"] == "/accounts/login/code/confirm/"
    assert confirmed.status_code == 302
    assert confirmed["Location"] == "/"
    assert browser.get("/api/v1/me/").json()["id"] == str(member.pk)


def test_new_person_signs_up_on_the_web(melhus: Tenant) -> None:
    # When someone signs up with name and number, then enters the code they get.
    browser = host_client(melhus)
    signed_up = browser.post("/accounts/signup/", {"name": "Web Person", "phone": "+46 70 123 45 67"})
    verified = browser.post("/accounts/phone/verify/", {"code": last_code(melhus, "+46701234567")})

    # Then they have a proven number (a Swedish one is fine) and are logged in.
    assert signed_up["Location"] == "/accounts/phone/verify/"
    assert verified.status_code == 302
    with in_schema(melhus.schema_name):
        person = User.objects.get(phone="+46701234567")
        assert person.name == "Web Person"
        assert person.phone_verified_at is not None
    assert browser.get("/api/v1/me/").json()["id"] == str(person.pk)


def test_invalid_number_on_the_login_page_gets_a_form_error(melhus: Tenant) -> None:
    # When someone types something that is not a phone number.
    response = english_browser(melhus).post("/accounts/login/", {"login": "abc"})

    # Then the form says so, and nothing is sent.
    assert response.status_code == 200
    assert "is not a valid phone number" in response.content.decode()
    assert sms_to(melhus, "abc") == []


@pytest.mark.parametrize("path", ["password/set/", "password/change/", "password/reset/", "email/"])
def test_password_and_email_pages_do_not_exist(melhus: Tenant, path: str) -> None:
    assert host_client(melhus).get(f"/accounts/{path}").status_code == 404
