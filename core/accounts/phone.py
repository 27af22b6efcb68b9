"""Phone numbers: parse what people type into E.164, Norwegian and Swedish numbers first, and show them back."""

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# A number typed without a country code is tried in the tenant's country first, then in the
# neighbour: people near the border often carry the other country's SIM.
_NORDIC_FALLBACK = {"NO": ("NO", "SE"), "SE": ("SE", "NO")}


def normalize_phone(raw: str, *, region: str = "NO") -> str:
    """Return `raw` as an E.164 string (+4791234567) or raise ValidationError."""
    text = (raw or "").strip()
    if not text:
        raise ValidationError(_("Enter a phone number."), code="required")
    if text.startswith("00"):
        text = "+" + text[2:]
    regions = (None,) if text.startswith("+") else _NORDIC_FALLBACK.get(region.upper(), (region.upper(),))
    for candidate_region in regions:
        try:
            number = phonenumbers.parse(text, candidate_region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    raise ValidationError(
        _("%(value)s is not a valid phone number. Include the country code, e.g. +47 912 34 567."),
        code="invalid_phone",
        params={"value": raw},
    )


def validate_e164(value: str) -> None:
    """Model-field validator: the stored value must already be a valid E.164 number."""
    if not value.startswith("+") or normalize_phone(value) != value:
        raise ValidationError(_("Store phone numbers in E.164 form, e.g. +4791234567."), code="not_e164")


def display_phone(value: str | None) -> str:
    """A stored E.164 number in its country's international format (+47 91 23 45 67), for people to read.

    Anything that does not parse is shown as it is; an empty value is an empty string.
    """
    if not value:
        return ""
    try:
        number = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException:
        return value
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
