"""Changes to people's accounts: signing up, proving a phone number, and their own details."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

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


@transaction.atomic
def do_update_profile(*, user: User, name: str, email: str, language: str) -> User:
    """The person changes their own name, e-mail address (empty for none) and language.

    Bad input raises ValidationError with a message per field and changes nothing; the audit row
    names the fields that changed, never their values.
    """
    name, email = name.strip(), User.objects.normalize_email(email.strip())
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = _("Give your name.")
    elif len(name) > User._meta.get_field("name").max_length:  # type: ignore[operator]
        errors["name"] = _("Your name is too long.")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = _("Give a valid e-mail address, like name@example.com.")
    if language not in {code for code, _name in settings.LANGUAGES}:
        errors["language"] = _("Choose one of the languages offered.")
    if errors:
        raise ValidationError(errors)
    user = User.objects.select_for_update().get(pk=user.pk)
    wanted = {"name": name, "email": email, "language": language}
    changed = [field for field, value in wanted.items() if getattr(user, field) != value]
    if not changed:
        return user
    user.name, user.email, user.language = name, email, language
    user.save(update_fields=changed)
    record(action="account.profile_changed", actor=user, target=user, data={"fields": changed})
    return user


@transaction.atomic
def do_set_language(*, user: User, language: str) -> User:
    """The person chooses the language the site and their notices speak (the footer's switcher)."""
    if language not in {code for code, _name in settings.LANGUAGES}:
        raise ValidationError({"language": _("Choose one of the languages offered.")})
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
        record(action="account.profile_changed", actor=user, target=user, data={"fields": ["language"]})
    return user
