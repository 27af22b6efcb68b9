"""The installable web app: its manifest, its service worker (served from the root so it may control
every page) and the page it shows when the network is gone."""

import hashlib
import json
from functools import cache

from django.contrib.auth.models import AnonymousUser
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core.branding.selectors import branding, display_name

# Static files every page needs: cached by the worker so the offline page has its look.
SHELL = ("web/app.css", "web/app.js", "web/htmx.min.js", "web/icon.svg", "web/icon-192.png", "web/icon-512.png")
ICON_SIZES = (192, 512)
BACKGROUND = "#f3f5f8"  # app.css --wash


@require_GET
def manifest(request: HttpRequest) -> HttpResponse:
    """The web app manifest, in the tenant's name and colours."""
    brand = branding()
    name = display_name()
    data = {
        "id": "/",
        "name": name,
        "short_name": name[:30],
        "description": _("Ask for a hand or offer one."),
        "lang": getattr(request, "LANGUAGE_CODE", "") or "nb",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "theme_color": brand.primary_colour,
        "background_color": BACKGROUND,
        "icons": [
            {"src": static(f"web/icon-{size}.png"), "sizes": f"{size}x{size}", "type": "image/png", "purpose": "any"}
            for size in ICON_SIZES
        ],
    }
    response = HttpResponse(json.dumps(data, ensure_ascii=False), content_type="application/manifest+json")
    response["Cache-Control"] = "private, max-age=300"
    return response


@cache
def _worker_source() -> str:
    """The worker's code with its settings in front: which files to keep, the offline page, and a version.

    The version is a hash of the worker and the files it keeps, so a changed stylesheet makes a changed
    worker, and browsers then fetch the new files instead of serving old ones.
    """
    digest = hashlib.sha256()
    paths = [finders.find(name) for name in ("web/sw.js", *SHELL)]
    for path in paths:
        if isinstance(path, str):
            with open(path, "rb") as handle:
                digest.update(handle.read())
    worker_path = paths[0]
    if not isinstance(worker_path, str):
        raise FileNotFoundError("web/sw.js")
    with open(worker_path, encoding="utf-8") as handle:
        code = handle.read()
    config = {
        "version": digest.hexdigest()[:16],
        "shell": [static(name) for name in SHELL],
        "offline": reverse("web:offline"),
    }
    return f"const DUGNAD = {json.dumps(config)};\n{code}"


@require_GET
def service_worker(_request: HttpRequest) -> HttpResponse:
    response = HttpResponse(_worker_source(), content_type="application/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    # Browsers check for a new worker at least daily; no-cache makes them ask us each time.
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def offline(request: HttpRequest) -> HttpResponse:
    """What the app shows without a network. Rendered as for a visitor: the worker keeps a copy, and a
    kept copy must hold nobody's name, menus or messages."""
    request.user = AnonymousUser()
    response = render(request, "web/me/offline.html")
    response["Cache-Control"] = "no-cache"
    return response
