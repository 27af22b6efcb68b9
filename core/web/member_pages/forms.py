"""Forms of the members' own pages. They check shape only; the services decide what is allowed."""

from typing import Any

from django import forms
from django.conf import settings
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from core.accounts.models import User
from core.notifications.events import Channel, Event
from core.notifications.services import Preferences

CHANNEL_CHOICES = [(value, capfirst(label)) for value, label in Channel.choices]


class ActionForm(forms.Form):
    """A button's form (apply, leave): no fields, but a place to show a service's refusal."""


class SignDeclarationForm(forms.Form):
    version = forms.UUIDField(widget=forms.HiddenInput)
    text_sha256 = forms.CharField(max_length=64, widget=forms.HiddenInput)
    full_name = forms.CharField(
        label=_("Your full name"),
        max_length=200,
        required=False,  # the service says what is missing, in its own words
        help_text=_("Typing your name is your signature."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    consent = forms.BooleanField(label=_("I have read and accept the declaration"), required=False)


class ProfileForm(forms.Form):
    name = forms.CharField(
        label=_("Your name"),
        max_length=User._meta.get_field("name").max_length,
        error_messages={"required": _("Give your name.")},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        required=False,
        error_messages={"invalid": _("Give a valid e-mail address, like name@example.com.")},
        help_text=_("For notices by e-mail and the daily digest. Leave it empty to be told by SMS only."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)

    def __init__(self, *args: Any, languages: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = languages  # type: ignore[attr-defined]


class BirthDateForm(forms.Form):
    birth_date = forms.DateField(
        label=_("Date of birth"),
        help_text=_("Some groups have a minimum age. A leader may check it against your ID."),
        widget=forms.DateInput(attrs={"type": "date", "autocomplete": "bday"}, format="%Y-%m-%d"),
    )


class NotificationsForm(forms.Form):
    """A channel for each event, and the quiet hours."""

    quiet_start = forms.TimeField(
        label=_("Quiet from"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    quiet_end = forms.TimeField(
        label=_("Quiet until"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )

    def __init__(self, *args: Any, preferences: Preferences, **kwargs: Any) -> None:
        quiet = {"quiet_start": preferences.quiet_start, "quiet_end": preferences.quiet_end}
        kwargs.setdefault("initial", {**preferences.channels, **quiet})
        super().__init__(*args, **kwargs)
        self.preferences = preferences
        for event in Event:
            self.fields[event.value] = forms.ChoiceField(label=capfirst(event.label), choices=CHANNEL_CHOICES)
        self.order_fields([*Event.values, "quiet_start", "quiet_end"])

    def event_fields(self) -> list[forms.BoundField]:
        return [self[event] for event in Event.values]

    def changed_channels(self) -> dict[str, str]:
        """Only the events whose channel the person changed: an untouched default is not a new choice."""
        return {
            event: self.cleaned_data[event]
            for event in Event.values
            if self.cleaned_data[event] != self.preferences.channels[event]
        }
