"""Forms of the pages about communication and the site. They check shape only; services decide the rules."""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from core.branding.forms import BrandingForm
from core.groups.models import Group
from core.moderation.models import SanctionKind
from core.moderation.services import MAX_REASON_LENGTH

from .common import DateInput


class ActionForm(forms.Form):
    """A button's form (archive, hide, dismiss): no fields, a place for the service's refusal."""


def _date(label: Any, *, help_text: Any = "") -> forms.DateField:
    return forms.DateField(label=label, required=False, help_text=help_text, widget=DateInput())


def _group_field(label: Any) -> forms.ModelChoiceField[Group]:
    return forms.ModelChoiceField(label=label, queryset=Group.objects.none(), empty_label=None)


# --- Campaigns ---------------------------------------------------------------------------------


class CampaignForm(forms.Form):
    name = forms.CharField(
        label=_("Name of the campaign"),
        max_length=120,
        help_text=_("For you and the statistics, e.g. “Volunteer fair 2026”."),
    )
    group = _group_field(_("Group people sign up to"))
    starts = _date(_("First day"), help_text=_("Leave empty to open the link at once."))
    ends = _date(_("Last day"), help_text=_("Leave empty to keep the link open until you pause it."))

    def __init__(self, *args: Any, groups: QuerySet[Group], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = groups  # type: ignore[attr-defined]


class PitchForm(forms.Form):
    """The line printed under the group's name on the poster (read from the query string)."""

    pitch = forms.CharField(label=_("Line on the poster"), max_length=120, required=False)


# --- Announcements -----------------------------------------------------------------------------


class AnnouncementForm(forms.Form):
    group = _group_field(_("To the members of"))
    title = forms.CharField(label=_("Title"), max_length=120)
    body = forms.CharField(
        label=_("Message"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Each approved member is told by the channel they chose; most get it in their daily digest."),
    )

    def __init__(self, *args: Any, groups: QuerySet[Group], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = groups  # type: ignore[attr-defined]


# --- Moderation --------------------------------------------------------------------------------


class SanctionForm(forms.Form):
    kind = forms.ChoiceField(label=_("What to do"), choices=SanctionKind.choices, widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=MAX_REASON_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The member is told this reason."),
    )
    until = _date(
        _("Suspended until"),
        help_text=_("For a suspension: the last day it lasts. Leave empty to suspend until you lift it."),
    )


# --- The audit log -----------------------------------------------------------------------------


class AuditFilterForm(forms.Form):
    """The audit log's filters, read from the query string: what, and between which days."""

    action = forms.ChoiceField(label=_("What was done"), required=False)
    since = _date(_("From"))
    until = _date(_("To"))
    actor = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, actions: list[tuple[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", _("Everything")), *actions]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and until < since:
            self.add_error("until", _("The last day must not come before the first."))
        return cleaned


# --- Settings ----------------------------------------------------------------------------------


class SettingsForm(BrandingForm):
    """The branding, plus the requests' defaults kept by core.requests."""

    default_open_days = forms.IntegerField(
        label=_("Requests stay open for (days)"),
        help_text=_("A request nobody has taken closes after this many days, unless its poster chose otherwise."),
    )
    expiry_reminder_hours = forms.IntegerField(
        label=_("Remind the poster (hours before it closes)"),
        help_text=_("Between 1 and 168 hours."),
    )

    def __init__(self, *args: Any, initial_policy: dict[str, int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial.update(initial_policy)


class CategoryForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80)


class NewCategoryForm(CategoryForm):
    key = forms.SlugField(
        label=_("Short key"),
        max_length=40,
        required=False,
        help_text=_("Letters, digits and hyphens, used by apps. Leave empty to make it from the name."),
    )
