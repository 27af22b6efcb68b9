"""Slugs and organisation numbers: what a tenant may be called and who it may be."""

import pytest
from django.core.exceptions import ValidationError

from tenants.validators import check_slug, normalize_org_number, schema_name_for


@pytest.mark.parametrize("slug", ["melhus", "red-cross", "oslo2", "ab", "a" * 63, "x1-y2"])
def test_valid_slugs_are_accepted(slug: str) -> None:
    assert check_slug(slug) == slug


@pytest.mark.parametrize(
    ("slug", "code"),
    [
        ("", "invalid_slug"),
        ("a", "invalid_slug"),
        ("a" * 64, "invalid_slug"),
        ("Melhus", "invalid_slug"),
        ("1melhus", "invalid_slug"),
        ("-melhus", "invalid_slug"),
        ("melhus-", "invalid_slug"),
        ("mel_hus", "invalid_slug"),
        ("mel.hus", "invalid_slug"),
        ("melhus kommune", "invalid_slug"),
        ("xn--mlhus-kua", "invalid_slug"),
        ("bærum", "invalid_slug"),
        ("www", "reserved_slug"),
        ("api", "reserved_slug"),
        ("admin", "reserved_slug"),
        ("static", "reserved_slug"),
        ("public", "reserved_slug"),
        ("mail", "reserved_slug"),
        ("platform", "reserved_slug"),
        ("pg-catalog", "reserved_slug"),
    ],
)
def test_invalid_or_reserved_slugs_are_refused(slug: str, code: str) -> None:
    with pytest.raises(ValidationError) as raised:
        check_slug(slug)
    assert raised.value.code == code


def test_schema_name_maps_hyphens_to_underscores() -> None:
    assert schema_name_for("red-cross") == "red_cross"


@pytest.mark.parametrize(
    ("country", "raw", "expected"),
    [
        ("NO", "938726027", "938726027"),
        ("NO", "938 726 027", "938726027"),
        ("SE", "212000-0142", "2120000142"),
        ("SE", "2120000142", "2120000142"),
    ],
)
def test_valid_org_numbers_are_normalised(country: str, raw: str, expected: str) -> None:
    assert normalize_org_number(country, raw) == expected


@pytest.mark.parametrize(
    ("country", "raw", "message"),
    [
        ("NO", "938726028", "check digit"),
        ("NO", "93872602", "9 digits"),
        ("NO", "9387260270", "9 digits"),
        ("NO", "93872602A", "9 digits"),
        ("NO", "", "9 digits"),
        ("SE", "2120000143", "check digit"),
        ("SE", "212000014", "10 digits"),
        ("SE", "938726027", "10 digits"),
        ("DK", "12345678", "Norway or Sweden"),
    ],
)
def test_invalid_org_numbers_are_refused_with_a_clear_message(country: str, raw: str, message: str) -> None:
    with pytest.raises(ValidationError) as raised:
        normalize_org_number(country, raw)
    assert message in raised.value.messages[0]
