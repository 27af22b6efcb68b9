"""Code SMS are limited per phone number, per client IP and per tenant; a tenant's limits are its own."""

import pytest

from core.accounts.models import User
from tenants.models import Tenant
from tests.conftest import host_client, in_schema
from tests.factories import UserFactory

from .conftest import App, all_sms, english_browser, rate_limits, sms_to

pytestmark = pytest.mark.django_db

GENEROUS = "100/h/key,100/h/ip"


def test_a_number_gets_only_so_many_codes(melhus: Tenant) -> None:
    # Given a limit of two codes per number, and a member.
    with in_schema(melhus.schema_name):
        UserFactory.create(phone="+4790000001")
    with rate_limits(code_sms="2/15m/key,100/h/ip"):
        # When a third code is asked for the same number, even from other addresses...
        answers = [
            App(melhus, ip=f"10.0.0.{n}").post("auth/code/request", {"phone": "+4790000001"}).status_code
            for n in range(3)
        ]
        # ...then it is refused with 429, and no third SMS is queued...
        assert answers == [401, 401, 429]
        assert len(sms_to(melhus, "+4790000001")) == 2
        # ...while another number is still served.
        assert App(melhus).post("auth/code/request", {"phone": "+4790000002"}).status_code == 401


def test_a_client_address_gets_only_so_many_codes(melhus: Tenant) -> None:
    # Given a limit of two code SMS per client address.
    with rate_limits(code_sms="100/h/key,2/h/ip"):
        # When one address asks for codes for three different numbers.
        answers = [
            App(melhus, ip="192.0.2.7").post("auth/code/request", {"phone": f"+479000001{n}"}).status_code
            for n in range(3)
        ]
        # Then the third is refused and not sent; another address is still served.
        assert answers == [401, 401, 429]
        assert sms_to(melhus, "+4790000012") == []
        assert App(melhus, ip="192.0.2.8").post("auth/code/request", {"phone": "+4790000012"}).status_code == 401


def test_the_tenant_as_a_whole_gets_only_so_many_codes(melhus: Tenant) -> None:
    # Given a tenant-wide cap of three code SMS, against pumping from many numbers and addresses.
    with rate_limits(code_sms=GENEROUS, code_sms_tenant="3/h/key"):
        # When four different numbers ask from four different addresses.
        answers = [
            App(melhus, ip=f"198.51.100.{n}").post("auth/code/request", {"phone": f"+479000002{n}"}).status_code
            for n in range(4)
        ]
        # Then the fourth is refused, and only three SMS are queued.
        assert answers == [401, 401, 401, 429]
        assert len(all_sms(melhus)) == 3


def test_a_sign_up_over_the_limit_creates_no_account_and_sends_nothing(melhus: Tenant) -> None:
    # Given a number that has used up its codes.
    with rate_limits(code_sms="1/15m/key,100/h/ip"):
        App(melhus).post("auth/code/request", {"phone": "+4790000031"})

        # When it tries to sign up.
        response = App(melhus).post("auth/signup", {"name": "Too Soon", "phone": "+4790000031"})

    # Then it is refused with 429, before any account exists, and no further SMS goes out.
    assert response.status_code == 429
    with in_schema(melhus.schema_name):
        assert not User.objects.filter(phone="+4790000031").exists()
    assert [sms.kind for sms in sms_to(melhus, "+4790000031")] == ["unknown_account"]


def test_the_login_page_over_the_limit_says_so_next_to_the_number(melhus: Tenant) -> None:
    # Given a number that has used up its codes.
    with rate_limits(code_sms="1/15m/key,100/h/ip"):
        host_client(melhus).post("/accounts/login/", {"login": "+4790000041"})

        # When it asks again on the login page.
        response = english_browser(melhus).post("/accounts/login/", {"login": "+4790000041"})

    # Then the page shows the form again with a message, and no second SMS is queued.
    assert response.status_code == 200
    assert "Too many codes have been requested" in response.content.decode()
    assert len(sms_to(melhus, "+4790000041")) == 1


def test_one_tenants_spent_limits_do_not_touch_another_tenant(melhus: Tenant, red_cross: Tenant) -> None:
    # Given Melhus has used up its tenant-wide cap and the per-number limit of one number...
    with rate_limits(code_sms="1/15m/key,100/h/ip", code_sms_tenant="1/h/key"):
        assert App(melhus).post("auth/code/request", {"phone": "+4790000051"}).status_code == 401
        assert App(melhus).post("auth/code/request", {"phone": "+4790000051"}).status_code == 429
        assert App(melhus).post("auth/code/request", {"phone": "+4790000052"}).status_code == 429

        # When the same number asks Red Cross, from the same address.
        response = App(red_cross).post("auth/code/request", {"phone": "+4790000051"})

    # Then Red Cross serves it: its counters are its own.
    assert response.status_code == 401
    assert len(sms_to(red_cross, "+4790000051")) == 1
    assert len(sms_to(melhus, "+4790000051")) == 1


def test_too_many_sign_ups_from_one_address_get_a_page_saying_so(melhus: Tenant) -> None:
    # Given a limit of one sign-up per minute per address, already used.
    with rate_limits(signup="1/m/ip"):
        english_browser(melhus).post("/accounts/signup/", {"name": "First", "phone": "+4790000061"})

        # When a second sign-up comes from the same address.
        response = english_browser(melhus).post("/accounts/signup/", {"name": "Second", "phone": "+4790000062"})

    # Then it gets a 429 page in the person's language, and nothing is created or sent.
    assert response.status_code == 429
    assert "Wait a few minutes and try again." in response.content.decode()
    with in_schema(melhus.schema_name):
        assert not User.objects.filter(phone="+4790000062").exists()
    assert sms_to(melhus, "+4790000062") == []
