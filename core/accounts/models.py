"""The user model: identity is a phone number in E.164, one account per schema."""

import uuid
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .deletion import delete_instance, delete_queryset
from .phone import normalize_phone, validate_e164


class UserQuerySet(models.QuerySet["User"]):
    def delete(self) -> tuple[int, dict[str, int]]:
        if self.query.is_sliced or self._fields is not None:  # type: ignore[attr-defined]
            return super().delete()  # let Django raise its usual error
        return delete_queryset(self)


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def get_queryset(self) -> UserQuerySet:
        # A plain subclass rather than from_queryset(): migrations can serialise it by name.
        return UserQuerySet(self.model, using=self._db)

    def create_user(self, phone: str, name: str = "", password: str | None = None, **extra: Any) -> "User":
        user = self.model(phone=normalize_phone(phone), name=name, **extra)
        if extra.get("email"):
            user.email = self.normalize_email(extra["email"])
        if password:
            user.set_password(password)
        else:
            # Members log in with one-time codes, never with a password.
            user.set_unusable_password()
        user.full_clean()
        user.save(using=self._db)
        return user

    def create_superuser(self, phone: str, name: str = "", password: str | None = None, **extra: Any) -> "User":
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(phone, name, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person in one schema: vendor staff in `public`, a tenant's people in its schema.

    The same phone number in two tenants is two independent accounts that share nothing.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    phone = models.CharField(_("phone number"), max_length=16, unique=True, validators=[validate_e164])
    # When the person last proved they hold `phone` by entering a code sent to it; None until then.
    phone_verified_at = models.DateTimeField(_("phone number verified"), null=True, blank=True)
    name = models.CharField(_("name"), max_length=150, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES, default="nb")
    # Self-declared or checked at an ID check; used by groups with a minimum age.
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    # Runs this tenant: groups, channels, qualification rules, people. Meaningless in `public`.
    is_tenant_admin = models.BooleanField(_("tenant admin"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(
        _("staff status"), default=False, help_text=_("May log in to the administration site of this schema.")
    )
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "phone"
    REQUIRED_FIELDS: ClassVar[list[str]] = ["name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.name or str(self.id)

    def clean(self) -> None:
        super().clean()
        if self.phone and not self.phone.startswith("+"):
            self.phone = normalize_phone(self.phone)
        self.email = type(self).objects.normalize_email(self.email)

    def delete(self, using: str | None = None, keep_parents: bool = False) -> tuple[int, dict[str, int]]:
        # Vendor staff in `public` have no rows in tenant-only tables, and those tables are absent there.
        return delete_instance(self, using=using)

    def get_full_name(self) -> str:
        return self.name

    def get_short_name(self) -> str:
        return self.name.split(" ")[0] if self.name else ""
