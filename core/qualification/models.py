"""Models of qualification (see the app's services for the rules)."""

import hashlib
import uuid
from datetime import date
from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.groups.models import Group, Membership


class RequirementKind(models.TextChoices):
    DECLARATION = "declaration", _("signed declaration")
    POLICE_CERTIFICATE = "police_certificate", _("police certificate")
    TRAINING = "training", _("training")
    ID_VERIFIED = "id_verified", _("ID verified")
    MINIMUM_AGE = "minimum_age", _("minimum age")
    CUSTOM = "custom", _("custom requirement")


class LegalBasis(models.TextChoices):
    """The fixed list of reasons a group may ask for a police certificate at all."""

    MINORS = "minors", _("contact with minors")
    INTELLECTUAL_DISABILITIES = "intellectual_disabilities", _("contact with people with intellectual disabilities")
    HEALTH_AND_CARE = "health_and_care", _("municipal health and care services")
    OTHER = "other", _("other (with a written legal reference)")


class IdMethod(models.TextChoices):
    PASSPORT = "passport", _("passport")
    NATIONAL_ID_CARD = "national_id_card", _("national ID card")
    DRIVING_LICENCE = "driving_licence", _("driving licence")
    EID = "eid", _("BankID / e-ID")


# Which optional fields each kind of requirement uses; any other must stay empty.
KIND_FIELDS: dict[str, frozenset[str]] = {
    RequirementKind.DECLARATION: frozenset({"declaration"}),
    RequirementKind.POLICE_CERTIFICATE: frozenset(
        {"legal_basis", "legal_reference", "validity_months", "max_certificate_age_months"}
    ),
    RequirementKind.TRAINING: frozenset({"training_name", "validity_months"}),
    RequirementKind.ID_VERIFIED: frozenset({"validity_months"}),
    RequirementKind.MINIMUM_AGE: frozenset({"min_age_years"}),
    RequirementKind.CUSTOM: frozenset({"title", "description", "validity_months"}),
}
OPTIONAL_FIELDS = frozenset().union(*KIND_FIELDS.values())


def text_sha256(text: str) -> str:
    """The hash that identifies the exact text of a declaration version (UTF-8, nothing normalised)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class Declaration(models.Model):
    """A tenant-editable declaration (e.g. of confidentiality) whose text is versioned."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    title = models.CharField(_("title"), max_length=200, unique=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("declaration")
        verbose_name_plural = _("declarations")
        ordering = ("title",)

    def __str__(self) -> str:
        return self.title


class DeclarationVersion(models.Model):
    """One published text of a declaration; never edited, a change is a new version."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    declaration = models.ForeignKey(
        Declaration, verbose_name=_("declaration"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    text = models.TextField(_("text"))
    sha256 = models.CharField(_("SHA-256 of the text"), max_length=64)
    published_at = models.DateTimeField(_("published"), default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Members who signed an older version stay qualified until this day, then the daily task lapses them.
    resign_deadline = models.DateField(_("re-sign by"), null=True, blank=True)

    class Meta:
        verbose_name = _("declaration version")
        verbose_name_plural = _("declaration versions")
        ordering = ("declaration", "-number")
        constraints = (
            models.UniqueConstraint(fields=("declaration", "number"), name="declaration_version_number_unique"),
        )

    def __str__(self) -> str:
        return f"{self.declaration_id} v{self.number}"


class DeclarationSignature(models.Model):
    """A person's signature of one exact version of a declaration."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.CASCADE, related_name="signatures"
    )
    version = models.ForeignKey(
        DeclarationVersion, verbose_name=_("version"), on_delete=models.PROTECT, related_name="signatures"
    )
    full_name = models.CharField(_("full name as typed"), max_length=200)
    consent = models.BooleanField(_("consent"))
    signed_at = models.DateTimeField(_("signed"), default=timezone.now)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    # The hash of the text the person was shown; equal to the version's hash by construction.
    text_sha256 = models.CharField(_("SHA-256 of the text shown"), max_length=64)

    class Meta:
        verbose_name = _("declaration signature")
        verbose_name_plural = _("declaration signatures")
        ordering = ("-signed_at",)
        constraints = (
            models.UniqueConstraint(fields=("user", "version"), name="signature_once_per_version"),
            models.CheckConstraint(condition=Q(consent=True), name="signature_needs_consent"),
            models.CheckConstraint(condition=~Q(full_name=""), name="signature_needs_name"),
        )

    def __str__(self) -> str:
        return f"{self.user_id} signed {self.version_id}"


class Requirement(models.Model):
    """Something a group demands before it approves a member; the kind decides which fields apply."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    group = models.ForeignKey(Group, verbose_name=_("group"), on_delete=models.CASCADE, related_name="requirements")
    kind = models.CharField(_("kind"), max_length=20, choices=RequirementKind.choices)
    declaration = models.ForeignKey(
        Declaration,
        verbose_name=_("declaration"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="requirements",
    )
    legal_basis = models.CharField(_("legal basis"), max_length=30, choices=LegalBasis.choices, blank=True)
    legal_reference = models.CharField(_("legal reference"), max_length=300, blank=True)
    # How long a check counts (for a police certificate: the re-check interval); empty = for good.
    validity_months = models.PositiveSmallIntegerField(_("valid for (months)"), null=True, blank=True)
    # How old a police certificate may be when shown; empty = the country's default.
    max_certificate_age_months = models.PositiveSmallIntegerField(
        _("maximum age of the certificate when shown (months)"), null=True, blank=True
    )
    training_name = models.CharField(_("training"), max_length=200, blank=True)
    min_age_years = models.PositiveSmallIntegerField(_("minimum age (years)"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("requirement")
        verbose_name_plural = _("requirements")
        ordering = ("created_at", "id")
        # The database refuses what clean() explains, so no code path can store a police-certificate
        # requirement without a legal basis.
        constraints = (
            models.CheckConstraint(
                condition=~Q(kind=RequirementKind.POLICE_CERTIFICATE) | ~Q(legal_basis=""),
                name="police_certificate_needs_legal_basis",
                violation_error_message=_("A police certificate may only be asked for with a legal basis."),
            ),
            models.CheckConstraint(
                condition=~Q(legal_basis=LegalBasis.OTHER) | ~Q(legal_reference=""),
                name="other_legal_basis_needs_reference",
                violation_error_message=_("Give the legal reference for the other legal basis."),
            ),
            models.CheckConstraint(
                condition=~Q(kind=RequirementKind.DECLARATION) | Q(declaration__isnull=False),
                name="declaration_requirement_names_declaration",
                violation_error_message=_("Choose the declaration to sign."),
            ),
            models.CheckConstraint(
                condition=~Q(kind=RequirementKind.TRAINING) | ~Q(training_name=""),
                name="training_requirement_names_training",
                violation_error_message=_("Name the training."),
            ),
            models.CheckConstraint(
                condition=~Q(kind=RequirementKind.MINIMUM_AGE) | Q(min_age_years__isnull=False),
                name="minimum_age_requirement_has_age",
                violation_error_message=_("Give the minimum age."),
            ),
            models.CheckConstraint(
                condition=~Q(kind=RequirementKind.CUSTOM) | ~Q(title=""),
                name="custom_requirement_has_title",
                violation_error_message=_("Give the requirement a title."),
            ),
            models.UniqueConstraint(
                fields=("group", "kind"),
                condition=Q(
                    kind__in=(
                        RequirementKind.POLICE_CERTIFICATE,
                        RequirementKind.ID_VERIFIED,
                        RequirementKind.MINIMUM_AGE,
                    )
                ),
                name="one_requirement_of_this_kind_per_group",
                violation_error_message=_("The group already has a requirement of this kind."),
            ),
            models.UniqueConstraint(
                fields=("group", "declaration"),
                name="one_requirement_per_declaration_and_group",
                violation_error_message=_("The group already requires this declaration."),
            ),
        )

    def __str__(self) -> str:
        return str(self.label)

    @property
    def label(self) -> str:
        """A short human-readable name, in the active language."""
        if self.kind == RequirementKind.DECLARATION and self.declaration is not None:
            return str(_("Signed declaration: %(title)s") % {"title": self.declaration.title})
        if self.kind == RequirementKind.TRAINING:
            return str(_("Training: %(name)s") % {"name": self.training_name})
        if self.kind == RequirementKind.MINIMUM_AGE:
            return str(_("At least %(years)s years old") % {"years": self.min_age_years})
        if self.kind == RequirementKind.CUSTOM:
            return self.title
        return str(self.get_kind_display())

    def clean(self) -> None:
        super().clean()
        errors: dict[str, ValidationError] = {}
        used = KIND_FIELDS.get(self.kind, frozenset())
        for field in sorted(OPTIONAL_FIELDS - used):
            if getattr(self, field) not in (None, ""):
                errors[field] = ValidationError(_("Not used by this kind of requirement."), code="unused")
        if self.kind == RequirementKind.POLICE_CERTIFICATE:
            if not self.legal_basis:
                errors["legal_basis"] = ValidationError(
                    _("A police certificate may only be asked for with a legal basis."), code="required"
                )
            elif self.legal_basis == LegalBasis.OTHER and not self.legal_reference.strip():
                errors["legal_reference"] = ValidationError(
                    _("Give the legal reference for the other legal basis."), code="required"
                )
            elif self.legal_basis != LegalBasis.OTHER and self.legal_reference:
                errors["legal_reference"] = ValidationError(
                    _("A legal reference is given only with the other legal basis."), code="unused"
                )
        required = {
            RequirementKind.DECLARATION: ("declaration", _("Choose the declaration to sign.")),
            RequirementKind.TRAINING: ("training_name", _("Name the training.")),
            RequirementKind.MINIMUM_AGE: ("min_age_years", _("Give the minimum age.")),
            RequirementKind.CUSTOM: ("title", _("Give the requirement a title.")),
        }
        if self.kind in required:
            field, message = required[RequirementKind(self.kind)]
            value = getattr(self, field)
            if value is None or (isinstance(value, str) and not value.strip()):
                errors[field] = ValidationError(message, code="required")
        if self.validity_months == 0:
            errors["validity_months"] = ValidationError(
                _("Leave it empty for no expiry, or give at least one month."), code="min_value"
            )
        if self.max_certificate_age_months == 0:
            errors["max_certificate_age_months"] = ValidationError(
                _("Leave it empty for the default, or give at least one month."), code="min_value"
            )
        if self.min_age_years is not None and not 1 <= self.min_age_years <= 120:
            errors["min_age_years"] = ValidationError(_("Give an age between 1 and 120."), code="range")
        if errors:
            raise ValidationError(errors)


class QualificationRecord(models.Model):
    """What a leader recorded about one member and one requirement; deleted when the membership ends.

    Each kind has its own table so that a police-certificate check can hold nothing but the fact,
    the dates and the checker.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    membership = models.ForeignKey(Membership, verbose_name=_("membership"), on_delete=models.CASCADE, related_name="+")
    requirement = models.ForeignKey(
        Requirement, verbose_name=_("requirement"), on_delete=models.CASCADE, related_name="+"
    )
    # From the group's policy; empty = the record never expires.
    expires_on = models.DateField(_("expires on"), null=True, blank=True, db_index=True)
    # When the member and leaders were warned of the coming expiry (once).
    warned_at = models.DateTimeField(_("expiry warning sent"), null=True, blank=True)

    # The concrete kind's date that counts as "done" and starts the validity.
    date_field: ClassVar[str]
    kind: ClassVar[RequirementKind]

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.kind} {self.membership_id}"

    @property
    def done_on(self) -> date:
        value: date = getattr(self, self.date_field)
        return value

    @classmethod
    def unique_constraint(cls, name: str) -> models.UniqueConstraint:
        return models.UniqueConstraint(fields=("membership", "requirement"), name=name)


class PoliceCertificateRecord(QualificationRecord):
    """That a certificate for this role was shown: when, checked by whom, issued when. Nothing else."""

    shown_on = models.DateField(_("shown on"))
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("checked by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    issued_on = models.DateField(_("issued on"))

    date_field = "shown_on"
    kind = RequirementKind.POLICE_CERTIFICATE

    class Meta:
        verbose_name = _("police certificate check")
        verbose_name_plural = _("police certificate checks")
        constraints = (QualificationRecord.unique_constraint("police_certificate_record_once"),)


class TrainingRecord(QualificationRecord):
    completed_on = models.DateField(_("completed on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    date_field = "completed_on"
    kind = RequirementKind.TRAINING

    class Meta:
        verbose_name = _("training record")
        verbose_name_plural = _("training records")
        constraints = (QualificationRecord.unique_constraint("training_record_once"),)


class IdVerificationRecord(QualificationRecord):
    verified_on = models.DateField(_("verified on"))
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("verified by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    method = models.CharField(_("method"), max_length=20, choices=IdMethod.choices)

    date_field = "verified_on"
    kind = RequirementKind.ID_VERIFIED

    class Meta:
        verbose_name = _("ID verification")
        verbose_name_plural = _("ID verifications")
        constraints = (QualificationRecord.unique_constraint("id_verification_record_once"),)


class CustomConfirmation(QualificationRecord):
    confirmed_on = models.DateField(_("confirmed on"))
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("confirmed by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    date_field = "confirmed_on"
    kind = RequirementKind.CUSTOM

    class Meta:
        verbose_name = _("custom requirement confirmation")
        verbose_name_plural = _("custom requirement confirmations")
        constraints = (QualificationRecord.unique_constraint("custom_confirmation_once"),)


RECORD_MODELS: tuple[type[QualificationRecord], ...] = (
    PoliceCertificateRecord,
    TrainingRecord,
    IdVerificationRecord,
    CustomConfirmation,
)
RECORD_MODEL_FOR_KIND: dict[str, type[QualificationRecord]] = {model.kind: model for model in RECORD_MODELS}
