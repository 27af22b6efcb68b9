"""`{{ number|phone }}`: an E.164 number written the way people read it (+47 400 00 003)."""

import phonenumbers
from django import template

register = template.Library()


@register.filter
def phone(value: str | None) -> str:
    """The international format of a stored E.164 number; anything unparsable is shown as it is."""
    if not value:
        return ""
    try:
        number = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException:
        return value
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
