"""System check: refuse to start unless allauth's adapter can store phone numbers and send codes."""

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage, Critical

# Besides the methods allauth itself requires (adapter._has_phone_impl), the two notices that
# stand in for a code: allauth's defaults send nothing, and a person would wait for a code forever.
NOTICE_METHODS = ("send_unknown_account_sms", "send_account_already_exists_sms")


def check_phone_adapter(app_configs: Sequence[AppConfig] | None = None, **kwargs: Any) -> list[CheckMessage]:  # noqa: ARG001 - the signature Django calls checks with
    from allauth.account.adapter import DefaultAccountAdapter, get_adapter

    path = getattr(settings, "ACCOUNT_ADAPTER", "")
    hint = "Set ACCOUNT_ADAPTER = 'core.accounts.adapter.AccountAdapter'."
    try:
        adapter = get_adapter()
    except ImportError as error:
        return [Critical(f"ACCOUNT_ADAPTER {path!r} cannot be imported: {error}", hint=hint, id="accounts.E001")]
    missing = [name for name in NOTICE_METHODS if getattr(type(adapter), name) is getattr(DefaultAccountAdapter, name)]
    if not adapter._has_phone_impl or missing:
        return [
            Critical(
                f"ACCOUNT_ADAPTER {path!r} does not implement allauth's phone methods "
                "(set_phone, get_phone, set_phone_verified, get_user_by_phone, send_verification_code_sms, "
                f"{', '.join(NOTICE_METHODS)}): members could not log in by SMS code.",
                hint=hint,
                id="accounts.E002",
            )
        ]
    return []
