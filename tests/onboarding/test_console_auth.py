"""The vendor console: staff only, with a password and a TOTP code; nothing on tenant hosts."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from tenants.models import Tenant
from tests.conftest import host_client, in_schema
from tests.factories import UserFactory
from tests.onboarding.console_helpers import PASSWORD, code_for, console_client, device_for, make_staff

pytestmark = pytest.mark.django_db

PAGES = ["/console/", "/console/leads/", "/console/tenants/", "/console/cases/new/"]


@pytest.mark.parametrize("path", PAGES)
def test_anonymous_is_sent_to_the_login(path: str) -> None:
    response = host_client(None).get(path)

    assert response.status_code == 302
    assert response["Location"] == "/console/login/"


@pytest.mark.parametrize("path", PAGES)
def test_a_public_user_who_is_not_staff_is_refused(path: str) -> None:
    client = host_client(None)
    client.force_login(make_staff(is_staff=False))

    assert client.get(path).status_code == 403


def test_a_non_staff_password_does_not_lead_to_the_second_factor() -> None:
    user = make_staff(is_staff=False)

    response = host_client(None).post("/console/login/", {"phone": user.phone, "password": PASSWORD})

    assert response.status_code == 200
    assert b"The phone number or the password is wrong." in response.content


@pytest.mark.parametrize("path", PAGES)
def test_staff_with_a_password_but_no_totp_are_refused(path: str) -> None:
    client = host_client(None)
    client.force_login(make_staff())

    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"] == "/console/login/"


@pytest.mark.parametrize("path", [*PAGES, "/console/login/"])
def test_the_console_does_not_exist_on_a_tenant_host(melhus: Tenant, path: str) -> None:
    with in_schema(melhus.schema_name):
        admin = UserFactory.create(is_tenant_admin=True, is_staff=True)
        client = host_client(melhus)
        client.force_login(admin)

    assert client.get(path).status_code == 404


def test_a_wrong_password_is_an_error() -> None:
    staff = make_staff()

    response = host_client(None).post("/console/login/", {"phone": staff.phone, "password": "nope"})

    assert b"The phone number or the password is wrong." in response.content
    assert 'role="alert"' in response.content.decode()


def test_guessing_passwords_stops_after_five_failures_for_a_number() -> None:
    # Given five wrong passwords for a staff member's number
    staff = make_staff()
    client = host_client(None)
    for _attempt in range(5):
        client.post("/console/login/", {"phone": staff.phone, "password": "guess"})

    # When the right password comes next, then the console refuses without checking it
    blocked = client.post("/console/login/", {"phone": staff.phone, "password": PASSWORD})

    assert blocked.status_code == 429
    assert b"Too many failed attempts" in blocked.content
    assert "console_pending_user" not in client.session
    # ...while another number from elsewhere is not affected
    other = make_staff("+4791000002")
    fresh = host_client(None, REMOTE_ADDR="10.0.0.9").post(
        "/console/login/", {"phone": other.phone, "password": PASSWORD}
    )
    assert fresh.status_code == 302


def test_first_login_enrols_a_totp_device_with_a_qr_code_and_a_confirming_code() -> None:
    staff = make_staff()
    client = host_client(None)

    response = client.post("/console/login/", {"phone": "91000001", "password": PASSWORD})
    assert response["Location"] == "/console/login/enrol/"
    page = client.get("/console/login/enrol/")
    assert b"<svg" in page.content
    device = TOTPDevice.objects.get(user=staff)
    assert not device.confirmed

    done = client.post("/console/login/enrol/", {"code": code_for(device)})

    assert done["Location"] == "/console/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/console/").status_code == 200


def test_a_wrong_totp_code_is_an_error_logs_nobody_in_and_locks_out_the_next_tries() -> None:
    staff = make_staff()
    device = device_for(staff)
    client = host_client(None)
    response = client.post("/console/login/", {"phone": staff.phone, "password": PASSWORD})
    assert response["Location"] == "/console/login/code/"

    wrong = client.post("/console/login/code/", {"code": "000000" if code_for(device) != "000000" else "111111"})

    assert wrong.status_code == 200
    assert b"That code is not right." in wrong.content
    assert client.get("/console/")["Location"] == "/console/login/"
    # Throttled: even the right code is refused straight after a wrong one.
    locked = client.post("/console/login/code/", {"code": code_for(device)})
    assert b"Too many wrong codes." in locked.content
    assert client.get("/console/")["Location"] == "/console/login/"
    device.refresh_from_db()
    assert device.throttling_failure_count >= 1


def test_staff_log_in_with_password_and_code_and_log_out() -> None:
    client = console_client(make_staff())
    assert client.get("/console/").status_code == 200

    client.post("/console/logout/")

    assert client.get("/console/")["Location"] == "/console/login/"
