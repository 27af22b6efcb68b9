"""Qualification rules: requirements, declarations, checks and their expiry."""

import calendar
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TypeVar
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from core.accounts.models import User
from core.audit.context import current_ip
from core.audit.services import record
from core.groups.models import ENDED_STATUSES, Group, Membership, MembershipStatus, Role
from core.groups.permissions import can_manage_group, check_can_manage_group, check_tenant_admin, is_tenant_admin
from core.messaging.outbox import enqueue_email, enqueue_sms
from tenants.db import current_schema, tenant_connection

from .models import (
    RECORD_MODELS,
    CustomConfirmation,
    Declaration,
    DeclarationSignature,
    DeclarationVersion,
    IdMethod,
    IdVerificationRecord,
    PoliceCertificateRecord,
    QualificationRecord,
    Requirement,
    RequirementKind,
    TrainingRecord,
    text_sha256,
)
from .selectors import latest_versions

logger = logging.getLogger(__name__)

# How old a police certificate may be when shown, by the tenant's country, when the group sets nothing.
DEFAULT_MAX_CERTIFICATE_AGE_MONTHS = {"NO": 3, "SE": 12}
# The law's ceiling: a Swedish extract from the criminal records register must be at most a year old.
LEGAL_MAX_CERTIFICATE_AGE_MONTHS = {"SE": 12}
WARN_DAYS_BEFORE_EXPIRY = 30
DEFAULT_RESIGN_GRACE_DAYS = 30
MAX_RESIGN_GRACE_DAYS = 365
OLDEST_BIRTH_YEAR = 1900

RecordT = TypeVar("RecordT", bound=QualificationRecord)


def add_months(day: date, months: int) -> date:
    """The same day `months` later (or earlier), on the month's last day where it is shorter."""
    month_index = day.year * 12 + day.month - 1 + months
    year, month = divmod(month_index, 12)
    last_day = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last_day))


def _format_date(day: date) -> str:
    return formats.date_format(day, "SHORT_DATE_FORMAT")


def tenant_country() -> str:
    """The country of the tenant whose schema we are in ("NO" or "SE")."""
    country = getattr(tenant_connection().tenant, "country", None)
    if country:
        return str(country)
    # Inside a bare schema context (a command, a test) the connection knows only the schema name.
    from tenants.models import Tenant

    found = Tenant.objects.filter(schema_name=current_schema()).values_list("country", flat=True).first()
    return found or "NO"


def max_certificate_age_months(*, requirement: Requirement, country: str) -> int:
    policy = requirement.max_certificate_age_months or DEFAULT_MAX_CERTIFICATE_AGE_MONTHS.get(country, 3)
    ceiling = LEGAL_MAX_CERTIFICATE_AGE_MONTHS.get(country)
    return min(policy, ceiling) if ceiling else policy


def _notify(*, user: User, subject: str, body: str, kind: str) -> None:
    """One message to a person: e-mail when they gave an address, otherwise SMS (in their language, by the caller)."""
    if user.email:
        enqueue_email(to=user.email, subject=subject, body=body, kind=kind, recipient=user)
    else:
        enqueue_sms(to=user.phone, body=body, kind=kind, recipient=user)


def _leaders_of(group: Group) -> list[User]:
    """The group's leaders, or the tenant's admins when the group has none."""
    leaders = [
        membership.user
        for membership in Membership.objects.filter(
            group=group, status=MembershipStatus.APPROVED, role=Role.LEADER, user__is_active=True
        ).select_related("user")
    ]
    return leaders or list(User.objects.filter(is_tenant_admin=True, is_active=True))


# --- Requirements ----------------------------------------------------------------------------------------------


@transaction.atomic
def do_add_requirement(
    *,
    actor: User,
    group: Group,
    kind: str,
    declaration: Declaration | None = None,
    legal_basis: str = "",
    legal_reference: str = "",
    validity_months: int | None = None,
    max_certificate_age_months: int | None = None,
    training_name: str = "",
    min_age_years: int | None = None,
    title: str = "",
    description: str = "",
) -> Requirement:
    """Add a requirement to a group (its leaders and the tenant's admins); invalid ones are refused whole."""
    check_can_manage_group(actor, group)
    if group.archived_at is not None:
        raise ValidationError(_("The group is archived."))
    requirement = Requirement(
        group=group,
        kind=kind,
        declaration=declaration,
        legal_basis=legal_basis,
        legal_reference=legal_reference.strip(),
        validity_months=validity_months,
        max_certificate_age_months=max_certificate_age_months,
        training_name=training_name.strip(),
        min_age_years=min_age_years,
        title=title.strip(),
        description=description.strip(),
        created_by=actor,
    )
    requirement.full_clean()
    ceiling = LEGAL_MAX_CERTIFICATE_AGE_MONTHS.get(tenant_country())
    if ceiling and max_certificate_age_months and max_certificate_age_months > ceiling:
        raise ValidationError(
            {
                "max_certificate_age_months": _("The certificate may be at most %(months)s months old by law.")
                % {"months": ceiling}
            }
        )
    try:
        with transaction.atomic():
            requirement.save(force_insert=True)
    except IntegrityError:
        # A concurrent request added the same requirement after our checks ran.
        raise ValidationError({"kind": _("The group already has this requirement.")}) from None
    record(
        action="qualification.requirement_added",
        actor=actor,
        target=requirement,
        data={"group": str(group.pk), "kind": kind, "legal_basis": legal_basis},
    )
    return requirement


@transaction.atomic
def do_remove_requirement(*, actor: User, requirement: Requirement) -> None:
    """Remove a requirement and every check recorded against it."""
    check_can_manage_group(actor, requirement.group)
    record(
        action="qualification.requirement_removed",
        actor=actor,
        target=requirement,
        data={"group": str(requirement.group_id), "kind": requirement.kind},
    )
    requirement.delete()


# --- Declarations ------------------------------------------------------------------------------------------------


def _check_text(text: str) -> None:
    if not text.strip():
        raise ValidationError({"text": _("The text cannot be empty.")})


@transaction.atomic
def do_create_declaration(*, actor: User, title: str, text: str) -> Declaration:
    """A new declaration with its first version (tenant admins)."""
    check_tenant_admin(actor)
    title = title.strip()
    if not title:
        raise ValidationError({"title": _("Give the declaration a title.")})
    _check_text(text)
    if Declaration.objects.filter(title=title).exists():
        raise ValidationError({"title": _("A declaration with this title exists already.")})
    declaration = Declaration.objects.create(title=title, created_by=actor)
    version = DeclarationVersion.objects.create(
        declaration=declaration, number=1, text=text, sha256=text_sha256(text), published_by=actor
    )
    record(
        action="qualification.declaration_created", actor=actor, target=declaration, data={"version": str(version.pk)}
    )
    return declaration


@transaction.atomic
def do_publish_declaration_version(
    *,
    actor: User,
    declaration: Declaration,
    text: str,
    grace_days: int = DEFAULT_RESIGN_GRACE_DAYS,
    today: date | None = None,
) -> DeclarationVersion:
    """Publish a new text (tenant admins): members who signed an older one are asked to re-sign within the grace."""
    check_tenant_admin(actor)
    _check_text(text)
    if not 0 <= grace_days <= MAX_RESIGN_GRACE_DAYS:
        raise ValidationError({"grace_days": _("Give between 0 and %(days)s days.") % {"days": MAX_RESIGN_GRACE_DAYS}})
    today = today or timezone.localdate()
    # Locks the declaration so two admins publishing at once get consecutive numbers.
    declaration = Declaration.objects.select_for_update().get(pk=declaration.pk)
    previous = DeclarationVersion.objects.filter(declaration=declaration).order_by("-number").first()
    digest = text_sha256(text)
    if previous is not None and previous.sha256 == digest:
        raise ValidationError({"text": _("The text is the same as the current version's.")})
    version = DeclarationVersion.objects.create(
        declaration=declaration,
        number=(previous.number + 1) if previous else 1,
        text=text,
        sha256=digest,
        published_by=actor,
        resign_deadline=today + timedelta(days=grace_days) if previous else None,
    )
    notified = _ask_to_resign(version, version.resign_deadline) if version.resign_deadline else 0
    record(
        action="qualification.declaration_version_published",
        actor=actor,
        target=version,
        data={"declaration": str(declaration.pk), "number": version.number, "notified": notified},
    )
    return version


def _ask_to_resign(version: DeclarationVersion, deadline: date) -> int:
    """Tell each approved member who signed an older version that a new one awaits them; returns how many."""
    groups = Group.objects.filter(requirements__declaration_id=version.declaration_id)
    people = User.objects.filter(
        signatures__version__declaration_id=version.declaration_id,
        memberships__group__in=groups,
        memberships__status=MembershipStatus.APPROVED,
        is_active=True,
    ).distinct()
    title = version.declaration.title
    count = 0
    for person in people:
        with translation.override(person.language):
            subject = _('Please sign the new version of "%(title)s"') % {"title": title}
            body = _(
                'A new version of "%(title)s" has been published. Please read and sign it by %(date)s '
                "to keep your memberships."
            ) % {"title": title, "date": _format_date(deadline)}
        _notify(user=person, subject=subject, body=body, kind="declaration.resign")
        count += 1
    return count


@transaction.atomic
def do_sign_declaration(
    *, user: User, version: DeclarationVersion, full_name: str, consent: bool, text_sha256: str
) -> DeclarationSignature:
    """The person signs the exact text they were shown; signing the same version again changes nothing."""
    errors: dict[str, str] = {}
    full_name = full_name.strip()
    if not full_name:
        errors["full_name"] = _("Type your full name to sign.")
    if consent is not True:
        errors["consent"] = _("You must consent to sign.")
    if text_sha256.strip().lower() != version.sha256:
        errors["text_sha256"] = _("The text you were shown is not this version's text. Reload it and read it again.")
    newest = DeclarationVersion.objects.filter(declaration_id=version.declaration_id).order_by("-number").first()
    if newest is not None and newest.number != version.number:
        errors["version"] = _("A newer version of the declaration exists; sign that one.")
    if errors:
        raise ValidationError(errors)
    existing = DeclarationSignature.objects.filter(user=user, version=version).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            signature = DeclarationSignature.objects.create(
                user=user,
                version=version,
                full_name=full_name,
                consent=True,
                ip=current_ip(),
                text_sha256=version.sha256,
            )
    except IntegrityError:
        # The same person's double tap: the first signature stands.
        return DeclarationSignature.objects.get(user=user, version=version)
    record(
        action="qualification.declaration_signed",
        actor=user,
        target=signature,
        data={"declaration": str(version.declaration_id), "number": version.number},
    )
    return signature


# --- Checks recorded by leaders ------------------------------------------------------------------------------


def _lock_for_check(*, actor: User, membership: Membership, requirement: Requirement, kind: str) -> Membership:
    """Checks shared by every recorded check; returns the membership, locked against a concurrent ending."""
    membership = Membership.objects.select_for_update().select_related("group").get(pk=membership.pk)
    check_can_manage_group(actor, membership.group)
    if actor.pk == membership.user_id:
        raise PermissionDenied(_("Someone else must check your own qualification."))
    if requirement.group_id != membership.group_id:
        raise ValidationError({"requirement": _("The requirement belongs to another group.")})
    if requirement.kind != kind:
        raise ValidationError({"requirement": _("The requirement is of another kind.")})
    if membership.status in ENDED_STATUSES:
        raise ValidationError(_("The membership has ended."))
    return membership


def _check_past(day: date, field: str, today: date) -> None:
    if day > today:
        raise ValidationError({field: _("The date cannot be in the future.")})


def _expiry(requirement: Requirement, start: date, field: str, today: date) -> date | None:
    if not requirement.validity_months:
        return None
    expires_on = add_months(start, requirement.validity_months)
    if expires_on <= today:
        message = _("With this date it would already have expired on %(date)s. Enter a more recent date.")
        raise ValidationError({field: message % {"date": _format_date(expires_on)}})
    return expires_on


def _save_record(
    model: type[RecordT],
    *,
    actor: User,
    action: str,
    membership: Membership,
    requirement: Requirement,
    values: dict[str, object],
    audit: dict[str, str] | None = None,
) -> RecordT:
    """Create the record, or replace the previous check (a renewal starts a new validity and warning), and audit it."""
    saved, _created = model._default_manager.update_or_create(
        membership=membership, requirement=requirement, defaults={**values, "warned_at": None}
    )
    record(
        action=action,
        actor=actor,
        target=saved,
        data={"membership": str(membership.pk), "requirement": str(requirement.pk), **(audit or {})},
    )
    return saved


@transaction.atomic
def do_record_police_certificate(
    *,
    actor: User,
    membership: Membership,
    requirement: Requirement,
    shown_on: date,
    issued_on: date,
    today: date | None = None,
) -> PoliceCertificateRecord:
    """Note that a police certificate for this role was shown: the dates and the checker, nothing else."""
    today = today or timezone.localdate()
    membership = _lock_for_check(
        actor=actor, membership=membership, requirement=requirement, kind=RequirementKind.POLICE_CERTIFICATE
    )
    _check_past(shown_on, "shown_on", today)
    if issued_on > shown_on:
        raise ValidationError({"issued_on": _("The certificate cannot be issued after the day it was shown.")})
    country = tenant_country()
    max_age = max_certificate_age_months(requirement=requirement, country=country)
    if issued_on < add_months(shown_on, -max_age):
        raise ValidationError(
            {
                "issued_on": _("The certificate was more than %(months)s months old when shown; ask for a new one.")
                % {"months": max_age}
            }
        )
    return _save_record(
        PoliceCertificateRecord,
        actor=actor,
        action="qualification.police_certificate_checked",
        membership=membership,
        requirement=requirement,
        values={
            "shown_on": shown_on,
            "issued_on": issued_on,
            "checked_by": actor,
            "expires_on": _expiry(requirement, shown_on, "shown_on", today),
        },
    )


@transaction.atomic
def do_record_training(
    *,
    actor: User,
    membership: Membership,
    requirement: Requirement,
    completed_on: date,
    today: date | None = None,
) -> TrainingRecord:
    today = today or timezone.localdate()
    membership = _lock_for_check(
        actor=actor, membership=membership, requirement=requirement, kind=RequirementKind.TRAINING
    )
    _check_past(completed_on, "completed_on", today)
    return _save_record(
        TrainingRecord,
        actor=actor,
        action="qualification.training_recorded",
        membership=membership,
        requirement=requirement,
        values={
            "completed_on": completed_on,
            "recorded_by": actor,
            "expires_on": _expiry(requirement, completed_on, "completed_on", today),
        },
    )


@transaction.atomic
def do_verify_id(
    *,
    actor: User,
    membership: Membership,
    requirement: Requirement,
    method: str,
    verified_on: date,
    birth_date: date | None = None,
    today: date | None = None,
) -> IdVerificationRecord:
    """Record an ID check; the date of birth read from the ID may be recorded with it."""
    today = today or timezone.localdate()
    membership = _lock_for_check(
        actor=actor, membership=membership, requirement=requirement, kind=RequirementKind.ID_VERIFIED
    )
    if method not in IdMethod.values:
        raise ValidationError({"method": _("Choose how the ID was checked.")})
    _check_past(verified_on, "verified_on", today)
    saved = _save_record(
        IdVerificationRecord,
        actor=actor,
        action="qualification.id_verified",
        membership=membership,
        requirement=requirement,
        values={
            "verified_on": verified_on,
            "verified_by": actor,
            "method": method,
            "expires_on": _expiry(requirement, verified_on, "verified_on", today),
        },
        audit={"method": method},
    )
    if birth_date is not None:
        do_set_birth_date(actor=actor, user=membership.user, birth_date=birth_date, today=today)
    return saved


@transaction.atomic
def do_confirm_custom(
    *,
    actor: User,
    membership: Membership,
    requirement: Requirement,
    confirmed_on: date,
    today: date | None = None,
) -> CustomConfirmation:
    today = today or timezone.localdate()
    membership = _lock_for_check(
        actor=actor, membership=membership, requirement=requirement, kind=RequirementKind.CUSTOM
    )
    _check_past(confirmed_on, "confirmed_on", today)
    return _save_record(
        CustomConfirmation,
        actor=actor,
        action="qualification.custom_confirmed",
        membership=membership,
        requirement=requirement,
        values={
            "confirmed_on": confirmed_on,
            "confirmed_by": actor,
            "expires_on": _expiry(requirement, confirmed_on, "confirmed_on", today),
        },
    )


def _checks_birth_dates_of(actor: User, user: User) -> bool:
    """Admins, and leaders of a group the person belongs to or applies to, may record a birth date at an ID check."""
    if is_tenant_admin(actor):
        return True
    groups = Group.objects.filter(
        memberships__user=user, memberships__status__in=(MembershipStatus.APPLIED, MembershipStatus.APPROVED)
    )
    return any(can_manage_group(actor, group) for group in groups)


@transaction.atomic
def do_set_birth_date(*, actor: User, user: User, birth_date: date, today: date | None = None) -> User:
    """Record a date of birth: self-declared, or read from an ID by a leader or admin.

    After an ID check only a leader or admin may change it, so nobody can make themself older than their ID.
    """
    today = today or timezone.localdate()
    if birth_date > today or birth_date.year < OLDEST_BIRTH_YEAR:
        raise ValidationError({"birth_date": _("Give a real date of birth.")})
    self_declared = actor.pk == user.pk
    if self_declared:
        if IdVerificationRecord.objects.filter(membership__user=user).exists():
            raise PermissionDenied(_("Your date of birth was checked with your ID; ask a group leader to correct it."))
    elif not _checks_birth_dates_of(actor, user):
        raise PermissionDenied(_("Only the person, their group's leaders and the tenant's admins may do this."))
    user = User.objects.select_for_update().get(pk=user.pk)
    user.birth_date = birth_date
    user.save(update_fields=["birth_date"])
    # The date itself stays out of the log: it is personal data.
    record(action="qualification.birth_date_set", actor=actor, target=user, data={"self_declared": self_declared})
    return user


def do_forget_records(*, membership: Membership) -> None:
    """Delete the qualification records of a membership that has ended (called in the ending's transaction)."""
    deleted = 0
    for model in RECORD_MODELS:
        count, _details = model._default_manager.filter(membership_id=membership.pk).delete()
        deleted += count
    if deleted:
        record(
            action="qualification.records_forgotten",
            actor=None,
            target=membership,
            data={"deleted": deleted},
        )


# --- The daily expiry check ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExpiryReport:
    warned: int
    lapsed: int


def _warn(record_model: type[QualificationRecord], record_id: UUID) -> bool:
    """Warn the member and the group's leaders of one coming expiry, once; False when already done."""
    with transaction.atomic():
        found = (
            record_model._default_manager.select_for_update(skip_locked=True, of=("self",))
            .select_related("membership__user", "membership__group", "requirement__declaration")
            .filter(pk=record_id, warned_at__isnull=True)
            .first()
        )
        if found is None or found.expires_on is None:
            return False
        member = found.membership.user
        group = found.membership.group
        with translation.override(member.language):
            subject = _("Your qualification for %(group)s expires soon") % {"group": group.name}
            body = _(
                "%(requirement)s expires on %(date)s. Contact the leaders of %(group)s to renew it, "
                "or your membership will lapse."
            ) % {"requirement": found.requirement.label, "date": _format_date(found.expires_on), "group": group.name}
        _notify(user=member, subject=subject, body=body, kind="qualification.expiring")
        for leader in _leaders_of(group):
            if leader.pk == member.pk:
                continue
            with translation.override(leader.language):
                subject = _("A qualification in %(group)s expires soon") % {"group": group.name}
                body = _("%(member)s: %(requirement)s in %(group)s expires on %(date)s.") % {
                    "member": member.name or member.phone,
                    "requirement": found.requirement.label,
                    "group": group.name,
                    "date": _format_date(found.expires_on),
                }
            _notify(user=leader, subject=subject, body=body, kind="qualification.expiring")
        found.warned_at = timezone.now()
        found.save(update_fields=["warned_at"])
        record(
            action="qualification.expiry_warned",
            actor=None,
            target=found,
            data={"membership": str(found.membership_id)},
        )
    return True


def _expired_membership_ids(today: date) -> dict[UUID, str]:
    """Approved memberships that must lapse today, with the reason."""
    lapsing: dict[UUID, str] = {}
    for model in RECORD_MODELS:
        for membership_id in model._default_manager.filter(
            membership__status=MembershipStatus.APPROVED, expires_on__lte=today
        ).values_list("membership_id", flat=True):
            lapsing.setdefault(membership_id, "qualification_expired")
    declaration_requirements = Requirement.objects.filter(kind=RequirementKind.DECLARATION).values_list(
        "group_id", "declaration_id"
    )
    pairs = [(group_id, declaration_id) for group_id, declaration_id in declaration_requirements if declaration_id]
    latest = latest_versions({declaration_id for _group, declaration_id in pairs})
    for group_id, declaration_id in pairs:
        version = latest.get(declaration_id)
        if version is None or version.resign_deadline is None or version.resign_deadline > today:
            continue
        # Signed some version, but not the current one, and the grace period is over.
        overdue = (
            Membership.objects.filter(
                group_id=group_id,
                status=MembershipStatus.APPROVED,
                user__signatures__version__declaration_id=declaration_id,
            )
            .exclude(user__signatures__version=version)
            .values_list("id", flat=True)
            .distinct()
        )
        for membership_id in overdue:
            lapsing.setdefault(membership_id, "declaration_not_resigned")
    return lapsing


def _lapse(membership_id: UUID, reason: str) -> bool:
    from core.groups.services import do_lapse_membership

    with transaction.atomic():
        membership = (
            Membership.objects.select_for_update(skip_locked=True)
            .filter(pk=membership_id, status=MembershipStatus.APPROVED)
            .first()
        )
        if membership is None:
            return False
        do_lapse_membership(membership=membership, reason=reason)
    return True


def _due_for_warning(today: date) -> Iterable[tuple[type[QualificationRecord], UUID]]:
    horizon = today + timedelta(days=WARN_DAYS_BEFORE_EXPIRY)
    for model in RECORD_MODELS:
        for record_id in model._default_manager.filter(
            membership__status=MembershipStatus.APPROVED,
            warned_at__isnull=True,
            expires_on__gt=today,
            expires_on__lte=horizon,
        ).values_list("id", flat=True):
            yield model, record_id


def do_check_expiry(*, today: date) -> ExpiryReport:
    """The daily task's work: warn 30 days ahead, lapse what has expired. Running it twice changes nothing.

    Each warning and each lapse is its own transaction, so one failure does not undo the others' messages.
    """
    lapsed = 0
    for membership_id, reason in _expired_membership_ids(today).items():
        try:
            lapsed += _lapse(membership_id, reason)
        except Exception:
            # One broken membership must not stop the rest; the next run retries it.
            logger.exception("could not lapse membership %s", membership_id)
    warned = 0
    for model, record_id in list(_due_for_warning(today)):
        warned += _warn(model, record_id)
    logger.info("qualification expiry check: %d warned, %d lapsed", warned, lapsed)
    return ExpiryReport(warned=warned, lapsed=lapsed)
