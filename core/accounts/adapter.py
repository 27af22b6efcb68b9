"""allauth's adapter for Dugnad: a person is a phone number, and every code goes out by SMS through the outbox."""

from typing import Any, NoReturn, cast

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.signup import get_signup_url
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.core.internal.cryptokit import generate_user_code
from allauth.core.internal.httpkit import is_headless_request
from allauth.core.ratelimit import respond_429
from allauth.utils import build_absolute_uri
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.sites.shortcuts import get_current_site
from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import HttpRequest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.messaging.models import Priority
from core.messaging.outbox import enqueue_email, enqueue_sms
from onboarding.dpa import current_tenant_has_written_dpa
from onboarding.milestones import ADMIN_FIRST_LOGIN, mark
from tenants.db import current_schema

from . import ratelimits, services
from .forms import PhoneNumberField, phone_hint
from .models import User
from .phone import normalize_phone

CODE_LENGTH = 6


class AccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]  # allauth ships no type information
    """Members sign up and log in with their phone number and a 6-digit code; they have no password.

    The number is User.phone (E.164) and its proof User.phone_verified_at. Every SMS is an outbox
    row in the recipient's language, and each one counts against the limits in ratelimits.py.
    """

    # --- Where the phone number lives ------------------------------------------------------

    def get_user_by_phone(self, phone: str) -> User | None:
        # Inactive accounts too: the number is taken, so sign-up must not try to reuse it.
        return User.objects.filter(phone=phone).first()

    def get_phone(self, user: AbstractBaseUser) -> tuple[str, bool] | None:
        person = cast("User", user)
        return (person.phone, person.phone_verified_at is not None) if person.phone else None

    def set_phone(self, user: AbstractBaseUser, phone: str, verified: bool) -> None:
        services.do_set_phone(user=cast("User", user), phone=phone, verified=verified)

    def set_phone_verified(self, user: AbstractBaseUser, phone: str) -> None:
        services.do_mark_phone_verified(user=cast("User", user), phone=phone)

    def login(self, request: HttpRequest, user: AbstractBaseUser) -> None:
        super().login(request, user)
        if cast("User", user).is_tenant_admin:
            # Onboarding's checklist: only the time crosses into the public schema.
            mark(current_schema(), ADMIN_FIRST_LOGIN)

    # --- Who may sign up ------------------------------------------------------------------

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # GDPR Art. 28(9): new members only once the tenant has accepted the DPA in writing.
        # Logging in is not signing up, so existing members (and the admins) still get in.
        return bool(super().is_open_for_signup(request)) and current_tenant_has_written_dpa()

    # --- Reading numbers -------------------------------------------------------------------

    def phone_form_field(self, **kwargs: Any) -> PhoneNumberField:
        # One label and hint on every form that asks for the number (allauth's sign-up form passes "Phone").
        tenant = getattr(self.request, "tenant", None)
        kwargs["label"] = _("Your mobile number")
        kwargs.setdefault("help_text", phone_hint(getattr(tenant, "country", "") or "NO"))
        return PhoneNumberField(**kwargs)

    def clean_phone(self, phone: str) -> str:
        """The number in E.164 (read in the tenant's country if it has no country code).

        Every form that can lead to a code SMS cleans its number here, so a number or client over
        its SMS limit is refused now, before an account or a pending login exists.
        """
        tenant = getattr(self.request, "tenant", None)
        number = normalize_phone(phone, region=getattr(tenant, "country", "") or "NO")
        if self.request is not None and not ratelimits.may_send_code_sms(self.request, phone=number):
            self._refuse_over_limit(as_form_error=True)
        return number

    def generate_phone_verification_code(self, *, user: AbstractBaseUser, phone: str) -> str:
        # Used for login codes sent by SMS too (allauth asks for a "phone verification" code then).
        return str(generate_user_code(length=CODE_LENGTH, numeric=True, dashed=False))

    # --- Signing up ------------------------------------------------------------------------

    def save_user(self, request: HttpRequest, user: AbstractBaseUser, form: BaseForm, commit: bool = True) -> User:
        data = form.cleaned_data
        if not commit:
            person = cast("User", user)
            person.phone, person.name = data["phone"], data.get("name", "")
            return person
        # Texts to the new member are written in the language they signed up in.
        return services.do_sign_up(phone=data["phone"], name=data.get("name", ""), language=translation.get_language())

    # --- Sending SMS -----------------------------------------------------------------------

    def send_verification_code_sms(self, user: AbstractBaseUser, phone: str, code: str, **kwargs: Any) -> None:
        person = cast("User", user)
        self._use_sms_budget(phone)
        minutes = min(account_settings.LOGIN_BY_CODE_TIMEOUT, account_settings.PHONE_VERIFICATION_TIMEOUT) // 60
        with translation.override(person.language):
            body = ngettext(
                "%(code)s is your code for %(site)s. It expires in %(minutes)s minute. Never share it.",
                "%(code)s is your code for %(site)s. It expires in %(minutes)s minutes. Never share it.",
                minutes,
            ) % {"code": code, "site": self._site_name(), "minutes": minutes}
        enqueue_sms(
            to=phone,
            body=body + self._origin_bound_suffix(code),
            kind="login_code",
            recipient=person,
            priority=Priority.HIGH,
            sensitive=True,
        )

    def send_unknown_account_sms(self, phone: str, **kwargs: Any) -> None:
        # Sent instead of a code, so that the answer on screen cannot tell whether a number has an account.
        self._use_sms_budget(phone)
        body = _(
            "Someone asked to log in to %(site)s with this number, which has no account. "
            "To sign up, go to %(url)s. If it was not you, ignore this message."
        ) % {"site": self._site_name(), "url": get_signup_url(self._current_request())}
        enqueue_sms(to=phone, body=body, kind="unknown_account", priority=Priority.HIGH)

    def send_account_already_exists_sms(self, phone: str) -> None:
        self._use_sms_budget(phone)
        person = self.get_user_by_phone(phone)
        with translation.override(person.language if person else translation.get_language()):
            body = _(
                "Someone tried to sign up for %(site)s with this number, which already has an account. "
                "To log in, go to %(url)s. If it was not you, ignore this message."
            ) % {"site": self._site_name(), "url": build_absolute_uri(self.request, reverse("account_login"))}
        enqueue_sms(to=phone, body=body, kind="account_exists", recipient=person, priority=Priority.HIGH)

    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        # allauth keys failed password logins by e-mail or username only, which would put every
        # phone number of the site under one shared counter.
        return f"{request.get_host()}:{credentials.get('phone', '')}"

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        # None of the pages we route sends e-mail today; should one start to, it goes through the
        # outbox like every other message, never straight to the e-mail backend.
        request = self._current_request()
        message = self.render_mail(
            template_prefix,
            email,
            {"request": request, "email": email, "current_site": get_current_site(request), **context},
        )
        enqueue_email(
            to=email,
            subject=message.subject,
            body=message.body,
            kind=template_prefix.rsplit("/", 1)[-1],
            sensitive=True,
        )

    # --- Helpers ---------------------------------------------------------------------------

    def _current_request(self) -> HttpRequest:
        if self.request is None:
            raise RuntimeError("allauth sends SMS only while serving a request")
        return cast("HttpRequest", self.request)

    def _site_name(self) -> str:
        return str(getattr(getattr(self.request, "tenant", None), "name", "") or "Dugnad")

    def _origin_bound_suffix(self, code: str) -> str:
        # The WebOTP / SMS Retriever format: phones offer to fill the code in, on this host only.
        if self.request is None:
            return ""
        host = self._current_request().get_host().rsplit(":", 1)[0]
        return f"\n\n@{host} #{code}"

    def _use_sms_budget(self, phone: str) -> None:
        if self.request is not None and not ratelimits.use_code_sms_budget(self._current_request(), phone=phone):
            self._refuse_over_limit(as_form_error=False)

    def _refuse_over_limit(self, *, as_form_error: bool) -> NoReturn:
        """Answer 429 to the API; on a web form say so next to the number, else a 429 page."""
        request = self._current_request()
        if as_form_error and not is_headless_request(request):
            raise ValidationError(
                _("Too many codes have been requested. Wait a few minutes and try again."), code="rate_limited"
            )
        raise ImmediateHttpResponse(respond_429(request))
