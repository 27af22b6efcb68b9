"""API routes of accounts, mounted under /api/v1/: allauth's login API for native apps.

- POST auth/code/request {"phone"}: send a login code (the same answer for a number without account);
- POST auth/code/confirm {"code"}: finish the login; the answer's meta.session_token is the token;
- POST auth/signup {"phone", "name"}, then POST auth/phone/verify {"code"}: sign up;
- GET / DELETE auth/session: who is logged in / log out;
- GET / POST account/phone {"phone"}: the member's number / change it (then auth/phone/verify);
- GET config: what the server offers.

Every call after the first carries the session token in the X-Session-Token header; every other
/api/v1/ endpoint accepts that header too. The protocol is allauth's headless API for the "app"
client, mounted where allauth's clients expect its base URL (https://docs.allauth.org/en/latest/headless/),
and described in /api/schema/ (core/accounts/openapi.py).

Only the phone and code endpoints are routed: members have no password and no e-mail login, so
allauth's password, e-mail and re-authentication endpoints would only offer ways around SMS login
(setting a password) or send mail outside the outbox.
"""

from allauth.headless.account import views
from allauth.headless.base.views import ConfigView
from allauth.headless.constants import Client
from django.urls import URLPattern, URLResolver, include, path

APP = Client.APP

_auth: list[URLPattern | URLResolver] = [
    path("session", views.SessionView.as_api_view(client=APP), name="current_session"),
    path("code/request", views.RequestLoginCodeView.as_api_view(client=APP), name="request_login_code"),
    path("code/confirm", views.ConfirmLoginCodeView.as_api_view(client=APP), name="confirm_login_code"),
    path("signup", views.SignupView.as_api_view(client=APP), name="signup"),
    path("phone/verify", views.VerifyPhoneView.as_api_view(client=APP), name="verify_phone"),
]
_account: list[URLPattern | URLResolver] = [
    path("phone", views.ManagePhoneView.as_api_view(client=APP), name="manage_phone"),
]

urlpatterns: list[URLPattern | URLResolver] = [
    path("config", ConfigView.as_api_view(client=APP), name="auth-config"),
    path("auth/", include((_auth, "auth"), namespace="auth")),
    path("account/", include((_account, "account"), namespace="account")),
]
