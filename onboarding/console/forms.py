"""Forms of the vendor console; the services validate the rules, the forms the shapes."""

from django import forms
from django.utils.translation import gettext_lazy as _

from onboarding.models import GroupTemplate, LeadStatus, Plan, Stage
from tenants.models import Country, Language, TenantKind


class LoginForm(forms.Form):
    phone = forms.CharField(
        label=_("Phone number"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "username", "inputmode": "tel"}),
    )
    password = forms.CharField(
        label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class CaseForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=TenantKind.choices)
    name = forms.CharField(label=_("Name"), max_length=200)
    org_number = forms.CharField(label=_("Organisation number"), max_length=20)
    country = forms.ChoiceField(label=_("Country"), choices=Country.choices)
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices)
    slug = forms.CharField(
        label=_("Subdomain"), max_length=63, help_text=_("Lower-case letters, digits and hyphens, e.g. melhus.")
    )
    contact_name = forms.CharField(label=_("Contact person (first admin)"), max_length=150)
    contact_phone = forms.CharField(label=_("Contact person's mobile number"), max_length=20)
    contact_email = forms.EmailField(label=_("Contact person's e-mail"))
    signatory_name = forms.CharField(label=_("Signatory"), max_length=150)
    signatory_title = forms.CharField(label=_("Signatory's title"), max_length=150, required=False)
    signatory_email = forms.EmailField(label=_("Signatory's e-mail"))
    plan = forms.ChoiceField(label=_("Plan"), choices=Plan.choices)
    crisis_ends_on = forms.DateField(
        label=_("Crisis agreement ends on"),
        required=False,
        help_text=_("Only for the crisis agreement. Format: 2026-12-31."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    group_template = forms.ChoiceField(label=_("Group template"), choices=GroupTemplate.choices)


class LeadFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("all")), *LeadStatus.choices], required=False)


class CaseFilterForm(forms.Form):
    stage = forms.ChoiceField(label=_("Next step"), choices=[("", _("all")), *Stage.choices], required=False)
