"""Forms of the public site: the "get started" form with its spam checks (no third-party captcha)."""

import time
from typing import Any

from django import forms
from django.core import signing
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from onboarding.services import check_lead
from tenants.models import Country, TenantKind

# A person needs more than this many seconds to fill in the form; a script does not.
MIN_FILL_SECONDS = 3
# A form left open longer than this is refused as a replayed token.
MAX_FILL_SECONDS = 24 * 60 * 60
_CHECKED = ("kind", "name", "org_number", "country", "contact_name", "contact_email", "contact_phone")
_TOKEN_SALT = "onboarding.get-started"  # noqa: S105 - a signing salt, not a password


def issue_form_token(*, issued_at: float | None = None) -> str:
    """A signed timestamp of when the form was shown."""
    return signing.dumps({"t": time.time() if issued_at is None else issued_at}, salt=_TOKEN_SALT)


def token_is_human(token: str, *, now: float | None = None) -> bool:
    """True if the token is ours and the form was filled in neither too fast nor too late."""
    try:
        issued_at = float(signing.loads(token, salt=_TOKEN_SALT)["t"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return False
    age = (time.time() if now is None else now) - issued_at
    return MIN_FILL_SECONDS <= age <= MAX_FILL_SECONDS


class LeadForm(forms.Form):
    """Shape of a lead; the rules (organisation number, phone) are in onboarding.services.check_lead."""

    kind = forms.ChoiceField(label=_("We are a"), choices=TenantKind.choices, widget=forms.RadioSelect)
    name = forms.CharField(label=_("Name of the municipality or organisation"), max_length=200)
    country = forms.ChoiceField(label=_("Country"), choices=Country.choices)
    org_number = forms.CharField(
        label=_("Organisation number"),
        max_length=20,
        help_text=_("Norway: 9 digits. Sweden: 10 digits."),
    )
    contact_name = forms.CharField(label=_("Contact person"), max_length=150)
    contact_email = forms.EmailField(label=_("E-mail"))
    contact_phone = forms.CharField(
        label=_("Phone (optional)"), max_length=30, required=False, help_text=_("With country code, e.g. +47.")
    )
    message = forms.CharField(
        label=_("Message (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What would you like to use Dugnad for?"),
    )
    # The honeypot: hidden from sight by CSS (not display:none, which bots skip), labelled for the few
    # people whose assistive technology still reaches it.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    started = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["started"] = issue_form_token()

    def clean(self) -> dict[str, Any]:
        """Apply the service's rules now, so a person sees every mistake at once."""
        cleaned = super().clean() or {}
        try:
            digits, phone = check_lead(
                **{name: str(cleaned.get(name) or "") for name in _CHECKED},
            )
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                if field not in self.errors:
                    self.add_error(field, messages)
        else:
            cleaned["org_number"], cleaned["contact_phone"] = digits, phone
        return cleaned

    def looks_like_a_bot(self) -> bool:
        """The honeypot was filled in, or the signed timestamp is missing, forged, too fresh or too old."""
        website = str(self.data.get("website", "")).strip()
        return bool(website) or not token_is_human(str(self.data.get("started", "")))
