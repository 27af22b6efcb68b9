"""Vendor staff's login to the console: phone and password, then a TOTP code (django-otp)."""

from base64 import b32encode
from collections.abc import Callable
from functools import wraps
from typing import Any, cast

import qrcode
import qrcode.image.svg
from django.contrib.auth import authenticate
from django.contrib.auth import login as auth_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.accounts.models import User
from core.accounts.phone import normalize_phone
from core.audit.context import client_ip
from onboarding import ratelimit

# The session key of a staff member who gave the right password but no TOTP code yet.
PENDING_KEY = "console_pending_user"
DEVICE_NAME = "console"
AUTH_BACKEND = "django.contrib.auth.backends.ModelBackend"

View = Callable[..., HttpResponse]


def is_verified(user: Any) -> bool:
    """Whether this session passed the second factor (django-otp's middleware adds is_verified)."""
    return bool(getattr(user, "is_verified", lambda: False)())


def is_console_user(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_staff", False) and is_verified(user))


def console_required(view: View) -> View:
    """Staff with a verified second factor only: anonymous go to the login, others are refused."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if not user.is_authenticated:
            return redirect("console:login")
        if not user.is_staff:
            raise PermissionDenied(_("The console is for vendor staff."))
        if not is_verified(user):
            return redirect("console:login")
        return view(request, *args, **kwargs)

    return wrapped


# Failed passwords allowed per window, per IP and per phone number, before the console stops trying.
FAILED_LOGINS_PER_IP = 20
FAILED_LOGINS_PER_PHONE = 5
FAILED_LOGIN_WINDOW_SECONDS = 15 * 60


def _failure_keys(request: HttpRequest, phone: str) -> list[tuple[str, int]]:
    return [
        (f"console:failed-login:ip:{client_ip(request)}", FAILED_LOGINS_PER_IP),
        (f"console:failed-login:phone:{phone}", FAILED_LOGINS_PER_PHONE),
    ]


def normalized_or_blank(phone: str) -> str:
    try:
        return normalize_phone(phone)
    except ValidationError:
        return ""


def login_is_blocked(request: HttpRequest, *, phone: str) -> bool:
    """Too many wrong passwords lately from this IP or for this number: refuse without checking."""
    return any(ratelimit.count(key) >= limit for key, limit in _failure_keys(request, phone))


def check_password(request: HttpRequest, *, phone: str, password: str) -> User | None:
    """The staff member with this phone and password, else None (same answer for every failure).

    Every failure counts against the IP and the number (login_is_blocked), so passwords cannot be
    guessed faster than the limits allow.
    """
    phone = normalized_or_blank(phone)
    user = authenticate(request, username=phone, password=password) if phone else None
    if user is None or not user.is_staff or not user.is_active:
        for key, _limit in _failure_keys(request, phone):
            ratelimit.take(key, window_seconds=FAILED_LOGIN_WINDOW_SECONDS)
        return None
    return user


def pending_user(request: HttpRequest) -> User | None:
    user_id = request.session.get(PENDING_KEY)
    if not user_id:
        return None
    return User.objects.filter(pk=user_id, is_staff=True, is_active=True).first()


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def confirm_device(device: TOTPDevice) -> None:
    """The staff member proved the enrolled device with a right code: from now on it is their second factor."""
    device.confirmed = True
    device.save(update_fields=["confirmed"])


def enrolment_device(user: User) -> TOTPDevice:
    """The unconfirmed device being enrolled (one per staff member until confirmed)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def secret_of(device: TOTPDevice) -> str:
    return b32encode(device.bin_key).decode().rstrip("=")


def qr_svg(device: TOTPDevice) -> str:
    """An inline SVG QR code of the device's otpauth:// URL, for an authenticator app."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return cast("str", image.to_string(encoding="unicode"))


def verify_code(device: TOTPDevice, code: str) -> str | None:
    """Check the code; return None when right, else the error to show. Throttled by django-otp."""
    allowed, _info = device.verify_is_allowed()
    if not allowed:
        return _("Too many wrong codes. Wait a while before you try again.")
    if not device.verify_token(code.strip()):
        return _("That code is not right. Check the time on your phone and try the newest code.")
    return None


def finish_login(request: HttpRequest, *, user: User, device: TOTPDevice) -> None:
    request.session.pop(PENDING_KEY, None)
    auth_login(request, user, backend=AUTH_BACKEND)
    otp_login(request, device)
