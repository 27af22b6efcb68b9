"""Refuse personal data in what every eligible member reads before anyone is agreed.

A request's title and description reach every qualified member of the answering groups, so a
phone number, an e-mail address or a national identity number there would leak to hundreds of
people. Such details belong in the client record, which only accepted helpers see.
"""

import re

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum.no import fodselsnummer
from stdnum.se import personnummer

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+", re.UNICODE)
# Eleven digits (Norwegian), or 10/12 digits with an optional - or + before the last four (Swedish).
_IDENTITY = re.compile(r"(?<!\d)(\d{6}[ ]?\d{5}|(?:\d{2})?\d{6}[-+ ]?\d{4})(?!\d)")


def _has_identity_number(text: str) -> bool:
    for match in _IDENTITY.finditer(text):
        candidate = match.group(1)
        digits = re.sub(r"\D", "", candidate)
        if len(digits) == 11 and fodselsnummer.is_valid(digits):
            return True
        if len(digits) in (10, 12) and personnummer.is_valid(candidate.replace(" ", "")):
            return True
    return False


def _has_phone_number(text: str) -> bool:
    for region in ("NO", "SE"):
        for match in phonenumbers.PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.VALID):
            if phonenumbers.is_valid_number(match.number):
                return True
    return False


def personal_data_in(text: str) -> str | None:
    """What kind of personal data the text contains, as a message for the poster; None if clean."""
    if not text:
        return None
    if _EMAIL.search(text):
        return _("Remove the e-mail address: everyone who can help reads this text.")
    # Identity numbers first: an eleven-digit number could otherwise pass for a phone number.
    if _has_identity_number(text):
        return _("Remove the national identity number: everyone who can help reads this text.")
    if _has_phone_number(text):
        return _("Remove the phone number: everyone who can help reads this text.")
    return None


def check_no_personal_data(**fields: str) -> None:
    """Raise ValidationError with a message per offending field, telling where such details belong."""
    errors: dict[str, str] = {}
    for name, text in fields.items():
        problem = personal_data_in(text)
        if problem:
            errors[name] = (
                problem
                + " "
                + _("Put contact details in the client record or your profile; accepted helpers see them there.")
            )
    if errors:
        raise ValidationError(errors)
