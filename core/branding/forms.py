"""The form admins change their site's branding with. It checks shape only; services.do_update_branding decides."""

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import Branding
from .services import MAX_DISPLAY_NAME

COLOUR_FIELDS = ("primary_colour", "accent_colour")


class ColourInput(forms.TextInput):
    input_type = "color"


def _colour_text(label: Any, help_text: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=7,
        help_text=help_text,
        widget=forms.TextInput(attrs={"pattern": "#[0-9a-fA-F]{6}", "spellcheck": "false", "autocomplete": "off"}),
    )


class BrandingForm(forms.Form):
    """Each colour comes twice: a colour picker and the same colour as text.

    Without JavaScript the two cannot follow each other, so whichever one the admin changed wins
    (the text, if both): `clean()` leaves the chosen hex value in the text field's name.
    """

    display_name = forms.CharField(
        label=_("Name shown on the site"),
        max_length=MAX_DISPLAY_NAME,
        required=False,
        help_text=_("Leave it empty to show the organisation's registered name."),
    )
    logo = forms.FileField(
        label=_("Logo"),
        required=False,
        help_text=_("A PNG or JPEG picture of at most 1 MB; it is shown 36 pixels high in the header."),
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg"}),
    )
    remove_logo = forms.BooleanField(label=_("Remove the logo"), required=False)
    primary_colour = _colour_text(
        _("Main colour"), _("Buttons and links. As # and six hex digits; white text on it must be easy to read.")
    )
    primary_colour_picker = forms.CharField(label=_("Main colour, picked"), required=False, widget=ColourInput())
    accent_colour = _colour_text(
        _("Second colour"), _("Highlights. As # and six hex digits, dark enough for white text.")
    )
    accent_colour_picker = forms.CharField(label=_("Second colour, picked"), required=False, widget=ColourInput())
    languages = forms.MultipleChoiceField(
        label=_("Languages offered"),
        choices=settings.LANGUAGES,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("People choose among these at the foot of every page."),
    )
    default_language = forms.ChoiceField(
        label=_("Default language"),
        choices=settings.LANGUAGES,
        help_text=_("Spoken to people who have not chosen a language. It must be one of those offered."),
    )

    def __init__(self, *args: Any, branding: Branding, default_language: str, **kwargs: Any) -> None:
        self.current = {field: getattr(branding, field).lower() for field in COLOUR_FIELDS}
        kwargs.setdefault(
            "initial",
            {
                "display_name": branding.display_name,
                "primary_colour": branding.primary_colour,
                "primary_colour_picker": branding.primary_colour,
                "accent_colour": branding.accent_colour,
                "accent_colour_picker": branding.accent_colour,
                "languages": list(branding.languages or []),
                "default_language": default_language,
            },
        )
        super().__init__(*args, **kwargs)
        self.has_logo = bool(branding.logo)
        if not self.has_logo:
            del self.fields["remove_logo"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for field in COLOUR_FIELDS:
            text = (self.data.get(field) or "").strip().lower()
            picked = (cleaned.get(f"{field}_picker") or "").strip().lower()
            if text == self.current[field] and picked and picked != self.current[field]:
                cleaned[field] = picked
                self.errors.pop(field, None)
        return cleaned

    def branding_values(self) -> dict[str, Any]:
        """What do_update_branding takes, from the cleaned data."""
        data = self.cleaned_data
        return {
            "display_name": data.get("display_name", ""),
            "primary_colour": data["primary_colour"],
            "accent_colour": data["accent_colour"],
            "languages": list(data["languages"]),
            "default_language": data["default_language"],
            "logo": data.get("logo") or None,
            "remove_logo": bool(data.get("remove_logo")),
        }
