"""A tenant URLconf with one view that fails while holding personal data, for the Sentry test."""

import json

from django.http import HttpRequest, HttpResponse
from django.urls import path


def failing_view(request: HttpRequest) -> HttpResponse:
    resident = json.loads(request.body)
    raise RuntimeError(f"could not notify {resident['phone']} ({resident['email']}) for {resident['name']}")


urlpatterns = [path("fail/", failing_view)]
