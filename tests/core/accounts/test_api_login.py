"""Native apps sign up and log in with an SMS code over /api/v1/auth/, then use the session token."""

import re

import pytest
from django.conf import settings

from core.accounts.models import User
from core.audit.models import AuditEvent
from core.messaging.models import Priority
from tenants.models import Tenant
from tests.conftest import in_schema
from tests.factories import UserFactory

from .conftest import App, age_pending_code, code_in, last_code, sms_to

pytestmark = pytest.mark.django_db


def test_new_number_signs_up_verifies_its_code_and_uses_the_api_with_the_session_token(melhus: Tenant) -> None:
    # Given a person with a Norwegian mobile who types it the way people do.
    app = App(melhus)

    # When they sign up with their name and number...
    signup = app.post("auth/signup", {"name": "Kari Nordmann", "phone": "912 34 567"})

    # ...then the app is asked for the code that was just texted to the number, in E.164.
    assert signup.status_code == 401
    assert {"id": "verify_phone", "is_pending": True} in signup.json()["data"]["flows"]
    [sms] = sms_to(melhus, "+4791234567")
    assert sms.kind == "login_code"
    assert sms.priority == Priority.HIGH
    assert sms.sensitive

    # When they enter it...
    verified = app.post("auth/phone/verify", {"code": code_in(sms)})

    # ...then they are logged in, and the session token opens the rest of the API.
    assert verified.status_code == 200
    assert verified.json()["meta"]["is_authenticated"] is True
    me = app.get("me/")
    assert me.status_code == 200
    assert me.json()["phone"] == "+4791234567"
    assert me.json()["name"] == "Kari Nordmann"
    with in_schema(melhus.schema_name):
        user = User.objects.get(phone="+4791234567")
        assert user.phone_verified_at is not None
        assert not user.has_usable_password()
        assert AuditEvent.objects.filter(action="account.signed_up", target_id=str(user.pk)).exists()
        assert sms.recipient_id == user.pk


def test_existing_member_logs_in_with_a_code_sent_to_their_number(melhus: Tenant) -> None:
    # Given a member of Melhus.
    with in_schema(melhus.schema_name):
        member = UserFactory.create(phone="+4791111111", name="Ola")
    app = App(melhus)

    # When they ask for a code and enter it...
    requested = app.post("auth/code/request", {"phone": "+47 911 11 111"})
    confirmed = app.post("auth/code/confirm", {"code": last_code(melhus, "+4791111111")})

    # ...then they are logged in as themselves, and the number counts as proven.
    assert requested.status_code == 401
    assert {"id": "login_by_code", "is_pending": True} in requested.json()["data"]["flows"]
    assert confirmed.status_code == 200
    assert confirmed.json()["data"]["user"]["id"] == str(member.pk)
    assert app.get("me/").json()["id"] == str(member.pk)
    assert app.get("auth/session").status_code == 200
    with in_schema(melhus.schema_name):
        assert User.objects.get(pk=member.pk).phone_verified_at is not None


def test_code_is_six_digits_in_the_members_language(melhus: Tenant) -> None:
    # Given a member who reads Swedish in a Norwegian tenant.
    with in_schema(melhus.schema_name):
        UserFactory.create(phone="+4792222222", language="sv")

    # When they ask for a code.
    App(melhus).post("auth/code/request", {"phone": "+4792222222"})

    # Then the SMS starts with six digits, and ends with the line that lets phones fill it in.
    [sms] = sms_to(melhus, "+4792222222")
    code = code_in(sms)
    assert re.fullmatch(r"\d{6}", code)
    assert sms.body.endswith(f"@melhus.localhost #{code}")
    with in_schema(melhus.schema_name):
        assert sms.recipient is not None
        assert sms.recipient.language == "sv"


def test_logging_out_ends_the_session_token(melhus: Tenant) -> None:
    # Given a logged-in app.
    with in_schema(melhus.schema_name):
        UserFactory.create(phone="+4792323232")
    app = App(melhus)
    app.post("auth/code/request", {"phone": "+4792323232"})
    app.post("auth/code/confirm", {"code": last_code(melhus, "+4792323232")})
    token = app.token

    # When it logs out.
    app.client.delete("/api/v1/auth/session", HTTP_X_SESSION_TOKEN=token)

    # Then the old token opens nothing.
    assert app.client.get("/api/v1/me/", HTTP_X_SESSION_TOKEN=token).status_code in (401, 403)


def test_a_code_older_than_five_minutes_is_refused(melhus: Tenant) -> None:
    # Given a member who asked for a code and waited past its lifetime.
    with in_schema(melhus.schema_name):
        UserFactory.create(phone="+4793333333")
    app = App(melhus)
    app.post("auth/code/request", {"phone": "+4793333333"})
    code = last_code(melhus, "+4793333333")
    assert app.token is not None
    age_pending_code(melhus, app.token, settings.ACCOUNT_LOGIN_BY_CODE_TIMEOUT + 1)

    # When they enter the right code.
    late = app.post("auth/code/confirm", {"code": code})

    # Then it no longer works, and they are not logged in.
    assert late.status_code == 409
    assert app.get("me/").status_code in (401, 403)


def test_a_code_within_its_lifetime_works(melhus: Tenant) -> None:
    # Given a code sent almost five minutes ago.
    with in_schema(melhus.schema_name):
        UserFactory.create(phone="+4793434343")
    app = App(melhus)
    app.post("auth/code/request", {"phone": "+4793434343"})
    assert app.token is not None
    age_pending_code(melhus, app.token, settings.ACCOUNT_LOGIN_BY_CODE_TIMEOUT - 10)

    # When it is entered, then it still logs in.
    assert app.post("auth/code/confirm", {"code": last_code(melhus, "+4793434343")}).status_code == 200


def test_three_wrong_codes_kill_the_code_so_even_the_right_one_fails(melhus: Tenant) -> None:
    # Given a member with a pending code.
    with in_schema(melhus.schema_name):
        UserFactory.create(phone="+4794444444")
    app = App(melhus)
    app.post("auth/code/request", {"phone": "+4794444444"})
    right = last_code(melhus, "+4794444444")
    wrong = "000000" if right != "000000" else "111111"

    # When someone guesses wrong three times...
    answers = [app.post("auth/code/confirm", {"code": wrong}).status_code for _ in range(3)]

    # ...then each guess is refused, and afterwards the right code is refused too.
    assert answers == [400, 400, 400]
    assert app.post("auth/code/confirm", {"code": right}).status_code == 409
    assert app.get("me/").status_code in (401, 403)


def test_three_wrong_sign_up_codes_kill_the_sign_up_code(melhus: Tenant) -> None:
    # Given a sign-up waiting for its code.
    app = App(melhus)
    app.post("auth/signup", {"name": "Per", "phone": "+4795555555"})
    right = last_code(melhus, "+4795555555")
    wrong = "000000" if right != "000000" else "111111"

    # When someone guesses wrong three times, then even the right code fails afterwards.
    for _ in range(3):
        assert app.post("auth/phone/verify", {"code": wrong}).status_code == 400
    assert app.post("auth/phone/verify", {"code": right}).status_code == 409
    with in_schema(melhus.schema_name):
        assert User.objects.get(phone="+4795555555").phone_verified_at is None


def test_an_invalid_number_gets_a_field_error_and_no_sms(melhus: Tenant) -> None:
    # When someone asks for a code for something that is not a phone number.
    response = App(melhus).post("auth/code/request", {"phone": "12"})

    # Then the answer says what is wrong with the number, and nothing is sent.
    assert response.status_code == 400
    assert response.json()["errors"][0]["param"] == "phone"
    with in_schema(melhus.schema_name):
        from core.messaging.models import OutboxMessage

        assert not OutboxMessage.objects.exists()


def test_sign_up_needs_a_name(melhus: Tenant) -> None:
    # When someone signs up without a name.
    response = App(melhus).post("auth/signup", {"phone": "+4796666666"})

    # Then the name is asked for, and no account or SMS exists.
    assert response.status_code == 400
    assert {error["param"] for error in response.json()["errors"]} == {"name"}
    assert sms_to(melhus, "+4796666666") == []
    with in_schema(melhus.schema_name):
        assert not User.objects.filter(phone="+4796666666").exists()


def test_member_changes_their_number_by_proving_the_new_one(melhus: Tenant) -> None:
    # Given a logged-in member.
    with in_schema(melhus.schema_name):
        member = UserFactory.create(phone="+4797000001")
    app = App(melhus)
    app.post("auth/code/request", {"phone": "+4797000001"})
    app.post("auth/code/confirm", {"code": last_code(melhus, "+4797000001")})

    # When they give a new number and enter the code sent to it.
    changed = app.post("account/phone", {"phone": "970 00 002"})
    verified = app.post("auth/phone/verify", {"code": last_code(melhus, "+4797000002")})

    # Then the account has the new, proven number.
    assert changed.status_code == 202
    assert verified.status_code == 200
    with in_schema(melhus.schema_name):
        member.refresh_from_db()
        assert member.phone == "+4797000002"
        assert member.phone_verified_at is not None
    assert app.get("account/phone").json()["data"] == [{"phone": "+4797000002", "verified": True}]


@pytest.mark.parametrize(
    "path",
    ["auth/login", "auth/password/request", "auth/password/reset", "account/password/change", "account/email"],
)
def test_password_and_email_endpoints_do_not_exist(melhus: Tenant, path: str) -> None:
    # Members have no password: no endpoint lets anyone log in with, set or reset one.
    assert App(melhus).post(path, {"password": "a-new-password-1234"}).status_code == 404
