"""Changes to people's accounts: signing up and proving a phone number."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.audit.services import record

from .models import User


def _supported_language(language: str | None) -> str:
    supported = {code for code, _name in settings.LANGUAGES}
    return language if language in supported else settings.LANGUAGE_CODE


@transaction.atomic
def do_sign_up(*, phone: str, name: str, language: str | None) -> User:
    """Create a member who logs in with codes sent to `phone` (no password); the number is unproven.

    `phone` must already be normalised to E.164; a taken or malformed number raises ValidationError.
    """
    user = User.objects.create_user(phone, name.strip(), language=_supported_language(language))
    record(action="account.signed_up", actor=user, target=user)
    return user


@transaction.atomic
def do_set_phone(*, user: User, phone: str, verified: bool) -> User:
    """Give `user` the number `phone` (E.164), proven now if `verified`, else not yet."""
    user.phone = phone
    user.phone_verified_at = timezone.now() if verified else None
    if user._state.adding:
        return user  # saved by whoever creates the user
    # Validates the number and that no other account holds it.
    user.full_clean(exclude=[field.name for field in User._meta.fields if field.name != "phone"])
    user.save(update_fields=["phone", "phone_verified_at"])
    record(action="account.phone_changed", actor=user, target=user, data={"verified": verified})
    return user


@transaction.atomic
def do_mark_phone_verified(*, user: User, phone: str) -> User:
    """Record that the person just entered a code sent to `phone`.

    For the account's own number that proves it (a no-op if already proven). Any other number is
    the new number of a change the person has just proven, so it replaces the old one.
    """
    if user.phone != phone:
        return do_set_phone(user=user, phone=phone, verified=True)
    if user.phone_verified_at is not None:
        return user
    user.phone_verified_at = timezone.now()
    user.save(update_fields=["phone_verified_at"])
    record(action="account.phone_verified", actor=user, target=user)
    return user
