"""Forms of the management pages about people and structure. They check shape only; services decide the rules."""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from core.clients.models import Client, ConsentMethod
from core.groups.models import (
    Category,
    Group,
    InvitationRole,
    JoinPolicy,
    MembershipStatus,
    Purpose,
    Role,
    Visibility,
)
from core.qualification.models import Declaration, IdMethod, LegalBasis, RequirementKind
from core.qualification.services import DEFAULT_RESIGN_GRACE_DAYS, MAX_RESIGN_GRACE_DAYS


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def _date(label: Any, *, required: bool = True, help_text: Any = "") -> forms.DateField:
    return forms.DateField(label=label, required=required, help_text=help_text, widget=DateInput())


class ActionForm(forms.Form):
    """A button's form (archive, approve, remove): no fields, a place for the service's refusal."""


# --- Dashboard ---------------------------------------------------------------------------------


PERIOD_CHOICES = (
    ("30d", _("Last 30 days")),
    ("12m", _("Last 12 months")),
    ("year", _("This year")),
)


class DashboardForm(forms.Form):
    """The period and, optionally, the group the figures are about (read from the query string)."""

    period = forms.ChoiceField(label=_("Period"), choices=PERIOD_CHOICES, required=False)
    group = forms.ModelChoiceField(label=_("Group"), queryset=Group.objects.none(), required=False)

    def __init__(self, *args: Any, groups: QuerySet[Group], whole_tenant: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["group"]
        field.queryset = groups  # type: ignore[attr-defined]
        field.empty_label = _("All groups") if whole_tenant else None  # type: ignore[attr-defined]


# --- Groups ------------------------------------------------------------------------------------


class GroupForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    purpose = forms.ChoiceField(
        label=_("Purpose"),
        choices=Purpose.choices,
        widget=forms.RadioSelect,
        help_text=_("Need groups post requests, resource groups answer them, open groups do both."),
    )
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    join_policy = forms.ChoiceField(label=_("Who may join"), choices=JoinPolicy.choices, widget=forms.RadioSelect)
    visibility = forms.ChoiceField(label=_("Visibility"), choices=Visibility.choices, widget=forms.RadioSelect)
    welcome_text = forms.CharField(
        label=_("Welcome text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Sent to each new member when they are approved."),
    )
    area = forms.CharField(label=_("Area"), max_length=120, required=False)
    categories = forms.ModelMultipleChoiceField(
        label=_("Categories of help"),
        queryset=Category.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    # What a group's leaders may change; the rest is for the tenant's admins.
    LEADER_FIELDS = ("description", "welcome_text")

    def __init__(self, *args: Any, categories: QuerySet[Category], admin: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["categories"].queryset = categories  # type: ignore[attr-defined]
        if not admin:
            for name in list(self.fields):
                if name not in self.LEADER_FIELDS:
                    del self.fields[name]

    @staticmethod
    def initial_for(group: Group) -> dict[str, Any]:
        return {
            "name": group.name,
            "purpose": group.purpose,
            "description": group.description,
            "join_policy": group.join_policy,
            "visibility": group.visibility,
            "welcome_text": group.welcome_text,
            "area": group.area,
            "categories": list(group.categories.all()),
        }


class RequirementForm(forms.Form):
    """Every field a requirement can have; each kind uses a few, as the hints say (the service checks)."""

    kind = forms.ChoiceField(label=_("Kind of requirement"), choices=RequirementKind.choices)
    declaration = forms.ModelChoiceField(
        label=_("Declaration to sign"),
        queryset=Declaration.objects.none(),
        required=False,
        help_text=_("For a signed declaration."),
    )
    legal_basis = forms.ChoiceField(
        label=_("Legal basis"),
        choices=[("", _("None")), *LegalBasis.choices],
        required=False,
        help_text=_("For a police certificate: it may only be asked for with a legal basis."),
    )
    legal_reference = forms.CharField(
        label=_("Legal reference"),
        max_length=300,
        required=False,
        help_text=_("For the legal basis 'other': the law and section."),
    )
    validity_months = forms.IntegerField(
        label=_("Re-check every (months)"),
        min_value=1,
        max_value=240,
        required=False,
        help_text=_("Leave empty if a check counts for good. Not used by declarations and minimum age."),
    )
    max_certificate_age_months = forms.IntegerField(
        label=_("Maximum age of the police certificate when shown (months)"),
        min_value=1,
        max_value=120,
        required=False,
        help_text=_("Leave empty for the country's default."),
    )
    training_name = forms.CharField(
        label=_("Name of the training"), max_length=200, required=False, help_text=_("For training.")
    )
    min_age_years = forms.IntegerField(
        label=_("Minimum age (years)"), min_value=1, max_value=120, required=False, help_text=_("For minimum age.")
    )
    title = forms.CharField(label=_("Title"), max_length=200, required=False, help_text=_("For a custom requirement."))
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For a custom requirement."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["declaration"].queryset = Declaration.objects.order_by("title")  # type: ignore[attr-defined]


def invitation_roles(*, admin: bool) -> list[tuple[str, Any]]:
    """Admins invite leaders, staff and members to a group; its leaders invite members."""
    if admin:
        return [
            (role.value, role.label) for role in (InvitationRole.MEMBER, InvitationRole.STAFF, InvitationRole.LEADER)
        ]
    return [(InvitationRole.MEMBER.value, InvitationRole.MEMBER.label)]


class InviteForm(forms.Form):
    phone = forms.CharField(
        label=_("Mobile number"),
        max_length=32,
        required=False,  # the service says what is missing
        help_text=_("The invitation link goes out by SMS; it works once."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    role = forms.ChoiceField(label=_("As"), choices=())

    def __init__(self, *args: Any, admin: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = invitation_roles(admin=admin)  # type: ignore[attr-defined]


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


# --- Channels ----------------------------------------------------------------------------------


class ChannelForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    publishing_groups = forms.ModelMultipleChoiceField(
        label=_("Published by"),
        queryset=Group.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one group.")},
        help_text=_("Members of these groups post requests into the channel."),
    )
    answering_groups = forms.ModelMultipleChoiceField(
        label=_("Answered by"),
        queryset=Group.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one group.")},
        help_text=_("Approved members of these groups see the requests and offer help."),
    )

    def __init__(self, *args: Any, groups: QuerySet[Group], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["publishing_groups"].queryset = groups  # type: ignore[attr-defined]
        self.fields["answering_groups"].queryset = groups  # type: ignore[attr-defined]


# --- Declarations ------------------------------------------------------------------------------


class DeclarationForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    text = forms.CharField(
        label=_("Text"), strip=False, widget=forms.Textarea(attrs={"rows": 10}), help_text=_("What members sign.")
    )


class PublishVersionForm(forms.Form):
    text = forms.CharField(label=_("New text"), strip=False, widget=forms.Textarea(attrs={"rows": 12}))
    grace_days = forms.IntegerField(
        label=_("Days members have to sign the new text"),
        min_value=0,
        max_value=MAX_RESIGN_GRACE_DAYS,
        initial=DEFAULT_RESIGN_GRACE_DAYS,
        help_text=_(
            "Members who signed an earlier version are asked to sign again. They stay members until this many "
            "days have passed."
        ),
    )


# --- Checks on an applicant or member ----------------------------------------------------------


class PoliceCertificateForm(forms.Form):
    shown_on = _date(_("Shown on"))
    issued_on = _date(_("Issued on"), help_text=_("The date printed on the certificate. Nothing else is kept."))


class TrainingForm(forms.Form):
    completed_on = _date(_("Completed on"))


class IdCheckForm(forms.Form):
    method = forms.ChoiceField(label=_("ID shown"), choices=IdMethod.choices)
    verified_on = _date(_("Checked on"))
    birth_date = _date(
        _("Date of birth on the ID"),
        required=False,
        help_text=_("Fill in where a group has a minimum age."),
    )


class CustomCheckForm(forms.Form):
    confirmed_on = _date(_("Confirmed on"))


class BirthDateForm(forms.Form):
    birth_date = _date(_("Date of birth"))


CHECK_FORMS: dict[str, type[forms.Form]] = {
    RequirementKind.POLICE_CERTIFICATE: PoliceCertificateForm,
    RequirementKind.TRAINING: TrainingForm,
    RequirementKind.ID_VERIFIED: IdCheckForm,
    RequirementKind.CUSTOM: CustomCheckForm,
    RequirementKind.MINIMUM_AGE: BirthDateForm,
}


class RejectForm(forms.Form):
    notes = forms.CharField(
        label=_("Note for the group's leaders"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kept with the membership; the applicant does not see it."),
    )


# --- Members -----------------------------------------------------------------------------------


class MemberFilterForm(forms.Form):
    group = forms.ModelChoiceField(
        label=_("Group"), queryset=Group.objects.none(), required=False, empty_label=_("All groups")
    )
    role = forms.ChoiceField(label=_("Role"), choices=[("", _("Any role")), *Role.choices], required=False)
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Any status")), *MembershipStatus.choices], required=False
    )

    def __init__(self, *args: Any, groups: QuerySet[Group], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = groups  # type: ignore[attr-defined]


class MemberSearchForm(forms.Form):
    query = forms.CharField(
        label=_("Name or phone number"),
        max_length=100,
        help_text=_("Part of a name or of a phone number."),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )


class TenantAdminForm(forms.Form):
    is_admin = forms.BooleanField(required=False, widget=forms.HiddenInput)


# --- Clients -----------------------------------------------------------------------------------


class ClientForm(forms.Form):
    group = forms.ModelChoiceField(label=_("Kept by the group"), queryset=Group.objects.none())
    name = forms.CharField(label=_("Name"), max_length=150)
    phone = forms.CharField(
        label=_("Phone number"),
        max_length=32,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    address = forms.CharField(
        label=_("Address"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "autocomplete": "off"}),
        help_text=_("Shown only to the helpers the client's requests are agreed with."),
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    consent_method = forms.ChoiceField(
        label=_("The client agreed to be represented"), choices=ConsentMethod.choices, widget=forms.RadioSelect
    )
    consent_date = _date(_("Agreed on"))

    def __init__(self, *args: Any, groups: QuerySet[Group] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if groups is None:
            # An existing record stays with the group that keeps it.
            del self.fields["group"]
        else:
            self.fields["group"].queryset = groups  # type: ignore[attr-defined]

    @staticmethod
    def initial_for(client: Client) -> dict[str, Any]:
        return {
            "name": client.name,
            "phone": client.phone,
            "address": client.address,
            "notes": client.notes,
            "consent_method": client.consent_method,
            "consent_date": client.consent_date,
        }
