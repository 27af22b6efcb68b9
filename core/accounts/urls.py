"""API routes of accounts, mounted under /api/v1/: allauth's login API for native apps.

- POST auth/code/request {"phone"}: send a login code (the same answer for a number without account);
- POST auth/code/confirm {"code"}: finish the login; the answer's meta.session_token is the token;
- POST auth/signup {"phone", "name"}, then POST auth/phone/verify {"code"}: sign up;
- GET / DELETE auth/session: who is logged in / log out; GET config: what the server offers.

Every call after the first carries the session token in the X-Session-Token header; every other
/api/v1/ endpoint accepts that header too. The protocol is allauth's headless API for the "app"
client, mounted where allauth's clients expect its base URL (https://docs.allauth.org/en/latest/headless/),
and described in /api/schema/ (core/accounts/openapi.py).
"""

from allauth.headless.account import urls as headless_account_urls
from allauth.headless.base import urls as headless_base_urls
from allauth.headless.constants import Client
from django.urls import URLPattern, URLResolver, include, path

_app_auth: list[URLPattern | URLResolver] = [
    *headless_base_urls.build_urlpatterns(Client.APP),
    path("", include((headless_account_urls.build_urlpatterns(Client.APP), "headless"), namespace="account")),
]

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include((_app_auth, "headless"), namespace="auth")),
]
