"""API authentication that also answers in the person's own language once it knows who asks."""

from typing import Any

from allauth.headless.contrib.rest_framework import authentication as allauth_authentication
from rest_framework import authentication
from rest_framework.request import Request

from core.i18n import activate_person_language


class PersonLanguageMixin:
    def authenticate(self, request: Request) -> Any:
        result = super().authenticate(request)  # type: ignore[misc]
        if result is not None:
            activate_person_language(request, result[0])
        return result


class TokenAuthentication(PersonLanguageMixin, authentication.TokenAuthentication):
    pass


class XSessionTokenAuthentication(PersonLanguageMixin, allauth_authentication.XSessionTokenAuthentication):  # type: ignore[misc]
    pass


class SessionAuthentication(PersonLanguageMixin, authentication.SessionAuthentication):
    pass
