"""The `phone` template filter writes stored E.164 numbers the way people read them."""

import pytest

from core.web.templatetags.phones import phone


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
    assert phone(stored) == shown
