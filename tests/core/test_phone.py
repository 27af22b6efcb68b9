"""Phone numbers are people's identity: typed loosely, stored in E.164."""

import pytest
from django.core.exceptions import ValidationError

from core.accounts.phone import normalize_phone, validate_e164


@pytest.mark.parametrize(
    ("raw", "region", "expected"),
    [
        ("912 34 567", "NO", "+4791234567"),
        ("+47 912 34 567", "SE", "+4791234567"),
        ("0047 91234567", "NO", "+4791234567"),
        ("070-174 06 05", "SE", "+46701740605"),
        ("+46 70 174 06 05", "NO", "+46701740605"),
        # A Swedish mobile typed without country code in a Norwegian tenant.
        ("070 174 06 05", "NO", "+46701740605"),
        # 912 34 567 is also a valid Swedish number: the tenant's own country wins.
        ("912 34 567", "SE", "+4691234567"),
        ("+358 40 1234567", "NO", "+358401234567"),
    ],
)
def test_numbers_are_normalised_to_e164(raw: str, region: str, expected: str) -> None:
    assert normalize_phone(raw, region=region) == expected


@pytest.mark.parametrize("raw", ["", "   ", "12", "abc", "+47 123", "+999 12345678"])
def test_invalid_numbers_are_refused(raw: str) -> None:
    with pytest.raises(ValidationError):
        normalize_phone(raw)


def test_stored_value_must_already_be_e164() -> None:
    validate_e164("+4791234567")
    with pytest.raises(ValidationError):
        validate_e164("91234567")
