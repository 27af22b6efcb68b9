"""The web app's shell: the start page, the tenant's theme stylesheet and the language choice."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from core.accounts.services import do_set_language
from core.branding.selectors import branding


def home(request: HttpRequest) -> HttpResponse:
    """Signed-in people land on the requests they can help with; visitors on a welcome."""
    if request.user.is_authenticated:
        return redirect("web:feed")
    return render(request, "web/home.html")


@require_GET
def theme(_request: HttpRequest) -> HttpResponse:
    """The tenant's colours as CSS custom properties (a stylesheet, so the CSP needs no inline style)."""
    brand = branding()
    css = f":root {{ --brand: {brand.primary_colour}; --brand-2: {brand.accent_colour}; }}\n"
    response = HttpResponse(css, content_type="text/css; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response


@require_POST
def language(request: HttpRequest) -> HttpResponse:
    """Switch this browser to a language the tenant offers, and remember it for the signed-in person."""
    offered = set(branding().languages or []) or {code for code, _name in settings.LANGUAGES}
    code = request.POST.get("language", "")
    # Back to the page the switcher was on. The page does not echo its own path into the form, so
    # no id from a URL is ever written into a page body; the same-origin Referer carries it instead.
    back = request.POST.get("next") or request.headers.get("Referer", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = reverse("web:home")
    response = HttpResponseRedirect(back)
    if code not in offered:
        return response
    if request.user.is_authenticated:
        do_set_language(user=request.user, language=code)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=365 * 24 * 3600,
        secure=request.is_secure(),
        httponly=True,
        samesite="Lax",
    )
    return response
