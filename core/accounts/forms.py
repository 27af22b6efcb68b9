"""Form pieces allauth builds its sign-up and login forms from (web pages and the API alike)."""

from typing import Any

from allauth.account.fields import PhoneField
from django import forms
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import User


class PhoneNumberField(PhoneField):  # type: ignore[misc]  # allauth ships no type information
    """A phone number as people type it ("912 34 567", "+46 70 123 45 67").

    allauth's own field insists on E.164; ours leaves that to the adapter's clean_phone, which
    reads a number without a country code in the tenant's country.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("validators", [])
        kwargs.setdefault("max_length", 32)
        kwargs.setdefault("label", _("Your mobile number"))
        super().__init__(*args, **kwargs)
        # A visible hint says how to type it (see phone_hint); a placeholder would vanish while typing.
        self.widget.attrs.pop("placeholder", None)
        self.widget.attrs.update({"inputmode": "tel"})


# How a local mobile number looks in each country we serve, for the hint under the field.
EXAMPLE_NUMBERS = {"NO": "912 34 567", "SE": "070 123 45 67"}


def phone_hint(country: str) -> str:
    """The hint under a phone field: an example in the tenant's country, and how to give a foreign number."""
    return gettext("For example %(example)s. A number from another country starts with + and its country code.") % {
        "example": EXAMPLE_NUMBERS.get(country, EXAMPLE_NUMBERS["NO"])
    }


class SignupDetailsForm(forms.Form):
    """What a new member tells us besides the phone number; allauth's sign-up form extends this.

    (Set by ACCOUNT_SIGNUP_FORM_CLASS. The adapter's save_user stores the name with the account.)
    """

    field_order = ("name", "phone")

    name = forms.CharField(
        label=_("Your name"),
        max_length=User._meta.get_field("name").max_length,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )

    def signup(self, request: HttpRequest, user: User) -> None:
        """allauth's hook after the account is saved; save_user has stored everything already."""
