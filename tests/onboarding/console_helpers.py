"""Helpers for the console tests: a vendor staff member and a client logged in with TOTP."""

from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.accounts.models import User
from tests.conftest import host_client

PASSWORD = "correct horse battery staple"


def make_staff(phone: str = "+4791000001", *, is_staff: bool = True) -> User:
    return User.objects.create_user(phone, "Vera Vendor", password=PASSWORD, is_staff=is_staff, language="en")


def code_for(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def device_for(user: User) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="console", confirmed=True)


def console_client(user: User) -> Client:
    """A client through the whole login: password, then a TOTP code of a confirmed device."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or device_for(user)
    client = host_client(None)
    client.post("/console/login/", {"phone": user.phone, "password": PASSWORD})
    response = client.post("/console/login/code/", {"code": code_for(device)})
    assert response.status_code == 302, response.content
    assert response["Location"] == "/console/"
    return client
