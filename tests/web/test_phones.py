"""Stored E.164 numbers are written the way people read them, in code and by the `phone` template filter."""

import pytest
from django.template import Context, Template

from core.accounts.phone import display_phone


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("+4791234567", "+47 91 23 45 67"),
        ("+46701740605", "+46 70 174 06 05"),
        ("", ""),
        (None, ""),
        ("not a number", "not a number"),
    ],
)
def test_numbers_are_written_in_their_countrys_international_format(stored: str | None, shown: str) -> None:
    assert display_phone(stored) == shown
    assert Template("{% load phones %}{{ number|phone }}").render(Context({"number": stored})) == shown
