"""Pages of the public site: what Dugnad is, how it works, sub-processors, the DPA, and "get started"."""

import logging

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.views.decorators.http import require_http_methods

from core.audit.context import client_ip
from onboarding.dpa import body_html, current_text
from onboarding.forms import LeadForm
from onboarding.models import DpaKind, DpaText, SubProcessor
from onboarding.services import do_create_lead, take_lead_slot

logger = logging.getLogger(__name__)

_LEAD_FIELDS = (
    "kind",
    "name",
    "org_number",
    "country",
    "contact_name",
    "contact_email",
    "contact_phone",
    "message",
)


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "onboarding/home.html")


def how_it_works_municipalities(request: HttpRequest) -> HttpResponse:
    return render(request, "onboarding/how_municipalities.html")


def how_it_works_organisations(request: HttpRequest) -> HttpResponse:
    return render(request, "onboarding/how_organisations.html")


def sub_processors(request: HttpRequest) -> HttpResponse:
    rows = SubProcessor.objects.filter(active=True).order_by("position", "name")
    return render(request, "onboarding/sub_processors.html", {"sub_processors": rows})


def _current_text(*, kind: str, language: str) -> DpaText | None:
    try:
        return current_text(kind=kind, language=language)
    except ObjectDoesNotExist:  # nothing published for this kind yet
        return None


def dpa_texts(request: HttpRequest) -> HttpResponse:
    """The current DPA of every kind, in the visitor's language."""
    language = translation.get_language() or "nb"
    agreements: list[tuple[str, DpaText | None, str]] = []
    for kind in DpaKind:
        text = _current_text(kind=kind.value, language=language)
        agreements.append((str(kind.label), text, body_html(text.body) if text else ""))
    return render(request, "onboarding/dpa_public.html", {"agreements": agreements})


@require_http_methods(["GET", "POST"])
def get_started(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return render(request, "onboarding/get_started.html", {"form": LeadForm()})
    form = LeadForm(request.POST)
    if form.looks_like_a_bot():
        # The same answer as a success, so a script learns nothing; nothing is stored.
        logger.info("get-started form refused as automated")
        return redirect("get_started_thanks")
    if form.is_valid():
        # Only a valid lead counts towards the IP's limit: a person correcting a typo is not refused.
        if not take_lead_slot(ip=client_ip(request)):
            logger.warning("get-started form refused: rate limit for the client IP")
            return redirect("get_started_thanks")
        try:
            do_create_lead(
                **{name: form.cleaned_data[name] for name in _LEAD_FIELDS},
                language=translation.get_language() or "nb",
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("get_started_thanks")
    return render(request, "onboarding/get_started.html", {"form": form})


def get_started_thanks(request: HttpRequest) -> HttpResponse:
    return render(request, "onboarding/get_started_thanks.html")
