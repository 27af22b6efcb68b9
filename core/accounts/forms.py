"""Form pieces allauth builds its sign-up and login forms from (web pages and the API alike)."""

from typing import Any

from allauth.account.fields import PhoneField
from django import forms
from django.http import HttpRequest
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
        kwargs.setdefault("label", _("Mobile number"))
        super().__init__(*args, **kwargs)
        self.widget.attrs.update({"inputmode": "tel", "placeholder": _("e.g. 912 34 567")})


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
