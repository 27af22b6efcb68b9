"""Server-rendered pages of a tenant's site."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def tenant_home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/tenant_home.html", {"tenant": request.tenant})  # type: ignore[attr-defined]
