"""The language of a request: the browser's choice, else the person's, else the tenant's, else Accept-Language."""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers


def _supported() -> set[str]:
    return {code for code, _name in settings.LANGUAGES}


def activate_person_language(request: Any, user: Any) -> None:
    """Once a person is known, speak their saved language, unless this browser chose one (cookie).

    Called by the middleware for sessions and by the API's authentication for tokens, which DRF
    resolves only inside the view.
    """
    if request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) in _supported():
        return
    language = getattr(user, "language", None)
    if getattr(user, "is_authenticated", False) and language in _supported():
        translation.activate(language)
        request.LANGUAGE_CODE = language


class TenantLanguageMiddleware:
    """Activate the language chosen in this browser (cookie), else the signed-in person's, else the
    tenant's default language.

    On the public site, which belongs to no tenant, the browser's Accept-Language decides. Runs after
    the authentication middleware, so a person's saved language applies to their session.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        # On the public site request.tenant is the public schema, which has no language.
        tenant_language = getattr(getattr(request, "tenant", None), "language", None)
        if chosen in self.supported:
            language = chosen
        elif tenant_language in self.supported:
            language = tenant_language
        else:
            language = translation.get_language_from_request(request)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        activate_person_language(request, getattr(request, "user", None))
        response = self.get_response(request)
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        response.headers.setdefault("Content-Language", translation.get_language())
        return response
