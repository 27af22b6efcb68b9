"""The language of a request: the person's choice, else the tenant's default, else the browser's."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers


class TenantLanguageMiddleware:
    """Activate the person's chosen language (cookie), else the tenant's default language.

    On the public site, which belongs to no tenant, the browser's Accept-Language decides.
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
        response = self.get_response(request)
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        response.headers.setdefault("Content-Language", language)
        return response
