"""DPA pages: the signatory's acceptance link on the public site, and the vendor console's DPA actions."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from onboarding.console.auth import console_required as vendor_staff_required
from tenants.models import Language

from . import dpa
from .models import DpaKind, DpaText, DpaVersion, OnboardingCase
from .pdf import dpa_pdf, pdf_response

# --- The signatory's link ----------------------------------------------------------------------


class AcceptForm(forms.Form):
    full_name = forms.CharField(label=gettext_lazy("Full name"), max_length=150)
    title = forms.CharField(label=gettext_lazy("Title or role"), max_length=150)
    accept = forms.BooleanField(label=gettext_lazy("I have read and accept the agreement"))
    text_sha256 = forms.CharField(widget=forms.HiddenInput, max_length=64)
    lang = forms.ChoiceField(widget=forms.HiddenInput, choices=Language.choices, required=False)

    def __init__(self, *args: object, organisation: str, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["accept"].label = _("I have read the agreement and accept it on behalf of %(name)s") % {
            "name": organisation
        }
        self.fields["accept"].error_messages["required"] = _("Tick the box to accept the agreement.")
        self.fields["full_name"].error_messages["required"] = _("Write your full name.")
        self.fields["title"].error_messages["required"] = _("Write your title or role.")


def _client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def accept(request: HttpRequest, token: str) -> HttpResponse:
    """Read the agreement in the case's language (or another), then accept it with name and title."""
    try:
        link = dpa.link_for_token(token)
    except dpa.LinkProblemError as problem:
        return render(request, "onboarding/dpa/link_problem.html", {"problem": str(problem)}, status=410)
    case = link.case
    language = request.POST.get("lang") or request.GET.get("lang") or case.language
    if language not in Language.values:
        language = case.language
    text = dpa.current_text(kind=dpa.dpa_kind_for(case), language=language)
    # The page's own words follow the text's language, so a Swedish signatory reads Swedish throughout.
    with translation.override(text.language):
        return _accept_page(request, token=token, case=case, text=text, expires_at=link.expires_at)


def _accept_page(
    request: HttpRequest, *, token: str, case: OnboardingCase, text: DpaText, expires_at: object
) -> HttpResponse:
    form = AcceptForm(
        request.POST or None,
        organisation=case.name,
        initial={"text_sha256": text.sha256, "lang": text.language},
    )
    if request.method == "POST" and form.is_valid():
        try:
            acceptance = dpa.do_accept(
                token=token,
                full_name=form.cleaned_data["full_name"],
                title=form.cleaned_data["title"],
                text_sha256=form.cleaned_data["text_sha256"],
                ip=_client_ip(request),
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields and field != "text_sha256" else None, errors)
        else:
            return render(request, "onboarding/dpa/accepted.html", {"acceptance": acceptance, "case": case})
    if form.is_bound:
        # Whatever went wrong, the form goes on with the hash of the text on this page.
        data = request.POST.copy()
        data["text_sha256"], data["lang"] = text.sha256, text.language
        form.data = data
    context = {
        "case": case,
        "text": text,
        "body": dpa.body_html(text.body),
        "form": form,
        "languages": Language.choices,
        "expires_at": expires_at,
    }
    return render(request, "onboarding/dpa/accept.html", context, status=400 if form.is_bound else 200)


# --- Vendor console ----------------------------------------------------------------------------


@vendor_staff_required
@require_POST
def send_link(request: HttpRequest, case_id: str) -> HttpResponse:
    case = get_object_or_404(OnboardingCase, pk=case_id)
    try:
        dpa.do_send_acceptance_link(actor=request.user, case=case)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The acceptance link was e-mailed to %(email)s.") % {"email": case.signatory_email})
    return redirect(f"/console/cases/{case.pk}/")


class OralIntentForm(forms.Form):
    given_by = forms.CharField(label=gettext_lazy("Given by (name and title)"), max_length=150)
    given_at = forms.DateTimeField(
        label=gettext_lazy("When"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    note = forms.CharField(label=gettext_lazy("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


@vendor_staff_required
def oral_intent(request: HttpRequest, case_id: str) -> HttpResponse:
    """GET shows the form; POST records an oral "yes" as intent (not the written agreement)."""
    case = get_object_or_404(OnboardingCase, pk=case_id)
    form = OralIntentForm(request.POST or None, initial={"given_at": timezone.localtime().replace(second=0)})
    if request.method == "POST" and form.is_valid():
        try:
            dpa.do_record_oral_intent(
                actor=request.user,
                case=case,
                given_by=form.cleaned_data["given_by"],
                given_at=form.cleaned_data["given_at"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(
                request,
                _(
                    "Oral intent recorded. Provisioning may start; members, campaigns and clients wait for "
                    "the written acceptance."
                ),
            )
            return redirect(f"/console/cases/{case.pk}/")
    status = 400 if request.method == "POST" else 200
    return render(request, "onboarding/dpa/oral_intent.html", {"case": case, "form": form}, status=status)


@vendor_staff_required
def versions(request: HttpRequest) -> HttpResponse:
    """Every published version of every agreement; old ones stay readable."""
    all_versions = DpaVersion.objects.prefetch_related("texts").order_by("kind", "-number")
    return render(request, "onboarding/dpa/versions.html", {"versions": all_versions})


@vendor_staff_required
def version_text(request: HttpRequest, text_id: str) -> HttpResponse:
    text = get_object_or_404(DpaText.objects.select_related("version"), pk=text_id)
    return render(request, "onboarding/dpa/version_text.html", {"text": text, "body": dpa.body_html(text.body)})


class PublishForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Agreement"), choices=DpaKind.choices)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for code, name in Language.choices:
            self.fields[f"title_{code}"] = forms.CharField(label=_("Title (%(language)s)") % {"language": name})
            self.fields[f"body_{code}"] = forms.CharField(
                label=_("Text (%(language)s)") % {"language": name},
                help_text=_(
                    "Headings start with ##, list items with -. {{ subprocessors }} becomes the list of sub-processors."
                ),
                widget=forms.Textarea(attrs={"rows": 16}),
            )


@vendor_staff_required
def publish(request: HttpRequest) -> HttpResponse:
    """GET shows the form (prefilled from the current version); POST publishes a new version."""
    kind = request.POST.get("kind") or request.GET.get("kind") or DpaKind.NO_MUNICIPALITY
    initial: dict[str, str] = {"kind": kind}
    if kind in DpaKind.values and request.method != "POST":
        for code in Language.values:
            try:
                text = dpa.current_text(kind=kind, language=code)
            except (DpaVersion.DoesNotExist, DpaText.DoesNotExist):
                continue
            initial[f"title_{code}"], initial[f"body_{code}"] = text.title, text.body
    form = PublishForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            version = dpa.do_publish_version(
                actor=request.user,
                kind=data["kind"],
                texts={code: (data[f"title_{code}"], data[f"body_{code}"]) for code in Language.values},
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Version %(number)s is published.") % {"number": version.number})
            return redirect("dpa:versions")
    status = 400 if request.method == "POST" else 200
    return render(request, "onboarding/dpa/publish.html", {"form": form}, status=status)


@vendor_staff_required
def case_pdf(_request: HttpRequest, case_id: str) -> HttpResponse:
    case = get_object_or_404(OnboardingCase, pk=case_id)
    acceptance = dpa.latest_acceptance(case)
    if acceptance is None:
        raise Http404(_("This case has no written acceptance yet."))
    return pdf_response(dpa_pdf(acceptance), filename=f"dpa-{case.slug}.pdf")
