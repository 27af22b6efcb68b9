"""Pages of the vendor console: thin views over onboarding.cases."""

from typing import Any

from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from onboarding import cases, dpa
from onboarding.models import Lead, LeadStatus, OnboardingCase
from tenants.models import Tenant

from . import auth
from .auth import console_required
from .forms import CaseFilterForm, CaseForm, CodeForm, LeadFilterForm, LoginForm


def login(request: HttpRequest) -> HttpResponse:
    if auth.is_console_user(request.user):
        return redirect("console:cases")
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        phone = form.cleaned_data["phone"]
        if auth.login_is_blocked(request, phone=auth.normalized_or_blank(phone)):
            form.add_error(None, _("Too many failed attempts. Wait 15 minutes and try again."))
            return render(request, "onboarding/console/login.html", {"form": form}, status=429)
        user = auth.check_password(request, phone=phone, password=form.cleaned_data["password"])
        if user is None:
            form.add_error(None, _("The phone number or the password is wrong."))
        else:
            request.session.cycle_key()
            request.session[auth.PENDING_KEY] = str(user.pk)
            return redirect("console:verify" if auth.confirmed_device(user) else "console:enrol")
    return render(request, "onboarding/console/login.html", {"form": form})


def verify(request: HttpRequest) -> HttpResponse:
    user = auth.pending_user(request)
    if user is None:
        return redirect("console:login")
    device = auth.confirmed_device(user)
    if device is None:
        return redirect("console:enrol")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        error = auth.verify_code(device, form.cleaned_data["code"])
        if error is None:
            auth.finish_login(request, user=user, device=device)
            return redirect("console:cases")
        form.add_error("code", error)
    return render(request, "onboarding/console/verify.html", {"form": form})


def enrol(request: HttpRequest) -> HttpResponse:
    """First login: show a new TOTP secret and QR code; a right code confirms the device."""
    user = auth.pending_user(request)
    if user is None:
        return redirect("console:login")
    if auth.confirmed_device(user) is not None:
        return redirect("console:verify")
    device = auth.enrolment_device(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        error = auth.verify_code(device, form.cleaned_data["code"])
        if error is None:
            auth.confirm_device(device)
            auth.finish_login(request, user=user, device=device)
            return redirect("console:cases")
        form.add_error("code", error)
    context = {"form": form, "secret": auth.secret_of(device), "qr_svg": auth.qr_svg(device)}
    return render(request, "onboarding/console/enrol.html", context)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("console:login")


@console_required
def leads(request: HttpRequest) -> HttpResponse:
    form = LeadFilterForm(request.GET or None)
    rows = Lead.objects.all()
    if form.is_valid() and form.cleaned_data["status"]:
        rows = rows.filter(status=form.cleaned_data["status"])
    return render(
        request, "onboarding/console/leads.html", {"form": form, "leads": rows[:200], "converted": LeadStatus.CONVERTED}
    )


@console_required
def case_list(request: HttpRequest) -> HttpResponse:
    form = CaseFilterForm(request.GET or None)
    rows = cases.cases_with_stage(form.cleaned_data["stage"] if form.is_valid() else "")
    items = [{"case": case, "stage": cases.stage_of(case), "blocking": cases.blocking(case)} for case in rows[:200]]
    return render(request, "onboarding/console/cases.html", {"form": form, "items": items})


def _initial_from_lead(lead: Lead | None) -> dict[str, Any]:
    if lead is None:
        return {}
    return {
        "kind": lead.kind,
        "name": lead.name,
        "org_number": lead.org_number,
        "country": lead.country,
        "language": lead.language,
        "contact_name": lead.contact_name,
        "contact_phone": lead.contact_phone,
        "contact_email": lead.contact_email,
    }


@console_required
def case_new(request: HttpRequest) -> HttpResponse:
    lead_id = request.GET.get("lead") or request.POST.get("lead")
    lead = get_object_or_404(Lead, pk=lead_id) if lead_id else None
    form = CaseForm(request.POST or None, initial=_initial_from_lead(lead))
    if request.method == "POST" and form.is_valid():
        try:
            case = cases.do_open_case(actor=request.user, lead=lead, **form.cleaned_data)  # type: ignore[arg-type]
        except ValidationError as error:
            for field, field_messages in error.message_dict.items():
                for message in field_messages:
                    form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(request, _("The onboarding case is open."))
            return redirect("console:case", case_id=case.pk)
    return render(request, "onboarding/console/case_new.html", {"form": form, "lead": lead})


@console_required
def case_detail(request: HttpRequest, case_id: str) -> HttpResponse:
    case = get_object_or_404(cases.cases_with_stage(), pk=case_id)
    context = {
        "case": case,
        "stage": cases.stage_of(case),
        "blocking": cases.blocking(case),
        "checklist": cases.checklist(case),
        "elapsed": cases.elapsed(case),
        "dpa_state": dpa.dpa_state(case),
        "can_provision": dpa.can_provision(case),
        "provisioning": _provisioning_running(case),
    }
    return render(request, "onboarding/console/case_detail.html", context)


def _provisioning_running(case: OnboardingCase) -> bool:
    return bool(case.provisioning_started_at and not case.provisioning_error and (case.admin_invited_at is None))


@console_required
@require_POST
def case_provision(request: HttpRequest, case_id: str) -> HttpResponse:
    case = get_object_or_404(OnboardingCase, pk=case_id)
    try:
        cases.do_request_provisioning(actor=request.user, case=case)  # type: ignore[arg-type]
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("console:case", case_id=case.pk)
    return redirect("console:progress", case_id=case.pk)


@console_required
def case_progress(request: HttpRequest, case_id: str) -> HttpResponse:
    """A small page that refreshes itself every two seconds while provisioning runs (no script)."""
    case = get_object_or_404(OnboardingCase, pk=case_id)
    context = {"case": case, "running": _provisioning_running(case)}
    return render(request, "onboarding/console/progress.html", context)


@console_required
def tenant_list(request: HttpRequest) -> HttpResponse:
    rows = [cases.tenant_overview(tenant) for tenant in Tenant.objects.all()]
    return render(request, "onboarding/console/tenants.html", {"rows": rows})
