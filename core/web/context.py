"""Template context every tenant page gets: the site's name, logo, theme, languages and menus."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from .nav import menus
from .roles import roles_of


def site(request: HttpRequest) -> dict[str, Any]:
    tenant = getattr(request, "tenant", None)
    if tenant is None or getattr(tenant, "schema_name", "public") == "public":
        return {"layout": "base.html"}
    from core.branding.selectors import branding

    brand = branding()
    offered = [(code, name) for code, name in settings.LANGUAGES if code in (brand.languages or [])]
    return {
        "layout": "web/base.html",
        "site": {
            "name": brand.display_name or tenant.name,
            "has_logo": bool(brand.logo),
            "languages": offered or list(settings.LANGUAGES),
        },
        "roles": roles_of(request),
        "menus": menus(request),
    }
