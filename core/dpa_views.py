"""A tenant's admins read the data-processing agreement their organisation accepted."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from core.groups.permissions import is_tenant_admin
from onboarding import dpa
from onboarding.models import DpaAcceptance, OnboardingCase
from onboarding.pdf import acceptance_record, dpa_pdf, pdf_response
from tenants.db import current_schema


def _acceptance(request: HttpRequest) -> tuple[OnboardingCase | None, DpaAcceptance | None]:
    if not is_tenant_admin(request.user):  # type: ignore[arg-type]
        raise PermissionDenied(_("Only the administrators of this site can read its data-processing agreement."))
    # Found by the schema the request runs in: another tenant's agreement is never reachable.
    case = OnboardingCase.objects.filter(tenant__schema_name=current_schema()).first()
    return case, (dpa.latest_acceptance(case) if case else None)


def settings_dpa(request: HttpRequest) -> HttpResponse:
    case, acceptance = _acceptance(request)
    context = {
        "case": case,
        "acceptance": acceptance,
        "body": dpa.body_html(acceptance.text.body) if acceptance else "",
        "record": acceptance_record(acceptance) if acceptance else [],
        "state": dpa.dpa_state(case) if case else None,
    }
    return render(request, "core/settings_dpa.html", context)


def settings_dpa_pdf(request: HttpRequest) -> HttpResponse:
    case, acceptance = _acceptance(request)
    if case is None or acceptance is None:
        raise PermissionDenied(_("There is no written acceptance to download yet."))
    return pdf_response(dpa_pdf(acceptance), filename=f"dpa-{case.slug}.pdf")
