"""Start-up refuses an allauth adapter that cannot store phone numbers or send codes."""

from typing import Any

import pytest
from allauth.account.adapter import DefaultAccountAdapter
from django.core.checks import CRITICAL
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings

from core.accounts.adapter import AccountAdapter
from core.accounts.checks import check_phone_adapter


class HalfDoneAdapter(DefaultAccountAdapter):  # type: ignore[misc]
    """Stores phone numbers and sends codes, but stays silent for numbers without an account."""

    def set_phone(self, user: Any, phone: str, verified: bool) -> None: ...

    def get_phone(self, user: Any) -> tuple[str, bool] | None: ...

    def set_phone_verified(self, user: Any, phone: str) -> None: ...

    def get_user_by_phone(self, phone: str) -> Any: ...

    def send_verification_code_sms(self, user: Any, phone: str, code: str, **kwargs: Any) -> None: ...


def test_our_adapter_passes() -> None:
    with override_settings(ACCOUNT_ADAPTER="core.accounts.adapter.AccountAdapter"):
        assert check_phone_adapter() == []
    assert AccountAdapter()._has_phone_impl


@pytest.mark.parametrize(
    ("adapter", "check_id"),
    [
        ("allauth.account.adapter.DefaultAccountAdapter", "accounts.E002"),
        (f"{__name__}.HalfDoneAdapter", "accounts.E002"),
        ("core.accounts.adapter.NoSuchAdapter", "accounts.E001"),
    ],
)
def test_an_adapter_without_the_phone_methods_is_critical(adapter: str, check_id: str) -> None:
    # Given settings that point allauth at an adapter that cannot do SMS login.
    with override_settings(ACCOUNT_ADAPTER=adapter):
        # When the checks run.
        [problem] = check_phone_adapter()

    # Then one critical problem names it.
    assert problem.level == CRITICAL
    assert problem.id == check_id
    assert adapter in problem.msg


def test_manage_py_check_fails_without_the_adapter() -> None:
    # Given the default allauth adapter, when `manage.py check` runs, then it fails.
    with (
        override_settings(ACCOUNT_ADAPTER="allauth.account.adapter.DefaultAccountAdapter"),
        pytest.raises(SystemCheckError, match=r"accounts\.E002"),
    ):
        call_command("check")
