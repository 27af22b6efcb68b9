"""The answers to a login or sign-up never tell whether a phone number has an account."""

from typing import Any

import pytest

from core.accounts.models import User
from tenants.models import Tenant
from tests.conftest import host_client, in_schema
from tests.factories import UserFactory

from .conftest import App, sms_to

pytestmark = pytest.mark.django_db


def _shape(response: Any) -> tuple[int, Any]:
    """Status and body of an answer, with the (random) session token left out."""
    body = response.json()
    body.get("meta", {}).pop("session_token", None)
    return response.status_code, body


def test_asking_for_a_code_looks_the_same_for_unknown_and_known_numbers(melhus: Tenant) -> None:
    # Given one number with an account and one without.
    with in_schema(melhus.schema_name):
        UserFactory.create(phone="+4791000001")

    # When a code is asked for each.
    known = App(melhus).post("auth/code/request", {"phone": "+4791000001"})
    unknown = App(melhus).post("auth/code/request", {"phone": "+4791000002"})

    # Then the two answers are identical (status and body)...
    assert _shape(known) == _shape(unknown)
    # ...and only the SMS differs: a code for the member, a sign-up hint (no code) for the other.
    [to_member] = sms_to(melhus, "+4791000001")
    [to_stranger] = sms_to(melhus, "+4791000002")
    assert to_member.kind == "login_code"
    assert to_stranger.kind == "unknown_account"
    assert "http://melhus.localhost/accounts/signup/" in to_stranger.body
    assert not any(ch.isdigit() for ch in to_stranger.body.split("http")[0])


def test_a_guessed_code_for_an_unknown_number_is_just_a_wrong_code(melhus: Tenant) -> None:
    # Given a pending login for a number without an account.
    app = App(melhus)
    app.post("auth/code/request", {"phone": "+4791000003"})

    # When someone tries a code, then it is refused like any wrong code and logs nobody in.
    assert app.post("auth/code/confirm", {"code": "123456"}).status_code == 400
    assert app.get("me/").status_code in (401, 403)


def test_signing_up_with_a_taken_number_looks_like_a_new_sign_up(melhus: Tenant) -> None:
    # Given a member.
    with in_schema(melhus.schema_name):
        member = UserFactory.create(phone="+4791000004", name="Existing Member")

    # When someone signs up with the member's number, and someone else with a new number.
    taken = App(melhus).post("auth/signup", {"name": "Impostor", "phone": "+4791000004"})
    fresh = App(melhus).post("auth/signup", {"name": "Newcomer", "phone": "+4791000005"})

    # Then both answers are identical (asking for the code sent to the number)...
    assert _shape(taken) == _shape(fresh)
    # ...the member's account is untouched and no second account exists...
    with in_schema(melhus.schema_name):
        assert list(User.objects.filter(phone="+4791000004")) == [member]
        assert User.objects.get(pk=member.pk).name == "Existing Member"
    # ...and the holder of the number is told about the attempt, without a code.
    [notice] = sms_to(melhus, "+4791000004")
    assert notice.kind == "account_exists"
    assert notice.recipient_id == member.pk
    assert "/accounts/login/" in notice.body


def test_the_login_page_answers_the_same_for_unknown_and_known_numbers(melhus: Tenant) -> None:
    # Given one number with an account and one without.
    with in_schema(melhus.schema_name):
        UserFactory.create(phone="+4791000006")

    # When each asks for a code on the login page.
    known = host_client(melhus).post("/accounts/login/", {"login": "+4791000006"})
    unknown = host_client(melhus).post("/accounts/login/", {"login": "+4791000007"})

    # Then both are sent on to enter a code.
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert known["Location"] == "/accounts/login/code/confirm/"
