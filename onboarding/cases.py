"""Onboarding cases: open one, read where it stands, and provision its tenant (resumably)."""

import logging
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Case, CharField, Max, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context

from core.accounts.models import User
from core.accounts.phone import normalize_phone
from core.audit.models import AuditEvent
from core.audit.services import record
from core.groups.models import Channel, Group, InvitationRole
from core.groups.services import do_create_channel, do_create_group, do_invite
from tenants.db import use_public_schema
from tenants.models import Country, Language, Tenant, TenantKind, TenantStatus
from tenants.services import provision_tenant
from tenants.validators import check_slug, normalize_org_number, schema_name_for

from .dpa import can_provision, dpa_state
from .group_templates import TEMPLATES, in_language
from .models import DpaState, GroupTemplate, Lead, LeadStatus, OnboardingCase, Plan, Stage

logger = logging.getLogger(__name__)


# --- Checks ------------------------------------------------------------------------------------


def check_console_staff(user: Any) -> None:
    """Vendor staff only: the console's permission, checked by its services too."""
    if not (getattr(user, "is_authenticated", False) and getattr(user, "is_staff", False)):
        raise PermissionDenied(_("Only vendor staff may do this."))


def check_slug_available(slug: str) -> str:
    """Return the slug if it is valid, not reserved and used by no tenant or case; else raise."""
    check_slug(slug)
    if (
        Tenant.objects.filter(slug=slug).exists()
        or Tenant.objects.filter(schema_name=schema_name_for(slug)).exists()
        or OnboardingCase.objects.filter(slug=slug).exists()
    ):
        raise ValidationError(_("This subdomain is already taken."), code="slug_taken")
    return slug


def _check_identity(cleaned: dict[str, Any], fail: Callable[[str, ValidationError | str], None]) -> None:
    if cleaned.get("kind") not in TenantKind.values:
        fail("kind", _("Choose municipality or organisation."))
    if cleaned.get("language") not in Language.values:
        fail("language", _("Choose a language."))
    if cleaned.get("country") not in Country.values:
        fail("country", _("Choose Norway or Sweden."))
        return
    try:
        cleaned["org_number"] = normalize_org_number(cleaned["country"], cleaned.get("org_number", ""))
    except ValidationError as error:
        fail("org_number", error)
    try:
        cleaned["contact_phone"] = normalize_phone(cleaned.get("contact_phone", ""), region=cleaned["country"])
    except ValidationError as error:
        fail("contact_phone", error)


def _check_plan(cleaned: dict[str, Any], fail: Callable[[str, ValidationError | str], None], *, today: date) -> None:
    if cleaned.get("plan") not in Plan.values:
        fail("plan", _("Choose a plan."))
    elif cleaned["plan"] == Plan.CRISIS:
        ends_on = cleaned.get("crisis_ends_on")
        if ends_on is None:
            fail("crisis_ends_on", _("A crisis agreement needs an end date."))
        elif ends_on <= today:
            fail("crisis_ends_on", _("The end date must be in the future."))
    else:
        cleaned["crisis_ends_on"] = None
    if cleaned.get("group_template") not in GroupTemplate.values:
        fail("group_template", _("Choose a group template."))


def _check_case_fields(fields: dict[str, Any], *, today: date) -> dict[str, Any]:
    """Validate and normalise the case's fields; raise one ValidationError with every field's message."""
    errors: dict[str, list[str]] = {}
    cleaned = dict(fields)

    def fail(field: str, error: ValidationError | str) -> None:
        errors.setdefault(field, []).extend(error.messages if isinstance(error, ValidationError) else [error])

    _check_identity(cleaned, fail)
    cleaned["slug"] = (cleaned.get("slug") or "").strip().lower()
    try:
        check_slug_available(cleaned["slug"])
    except ValidationError as error:
        fail("slug", error)
    _check_plan(cleaned, fail, today=today)
    if errors:
        raise ValidationError(errors)
    return cleaned


# --- Opening a case ----------------------------------------------------------------------------


@transaction.atomic
def do_open_case(*, actor: User, lead: Lead | None = None, **fields: Any) -> OnboardingCase:
    """Open an onboarding case (from a lead, which becomes converted); bad input changes nothing."""
    check_console_staff(actor)
    cleaned = _check_case_fields(fields, today=timezone.localdate())
    case = OnboardingCase(lead=lead, opened_by=actor, **cleaned)
    try:
        case.full_clean(exclude=["lead", "opened_by", "tenant"])
    except ValidationError as error:
        raise ValidationError(error.message_dict) from None
    case.save()
    if lead is not None and lead.status != LeadStatus.CONVERTED:
        lead.status = LeadStatus.CONVERTED
        lead.save(update_fields=["status"])
    logger.info("onboarding case %s opened for %s", case.pk, case.slug)
    return case


# --- Where a case stands -----------------------------------------------------------------------


def cases_with_stage(stage: str = "") -> QuerySet[OnboardingCase]:
    """Cases annotated with `stage` (the first checklist step not yet done), optionally only one stage."""
    annotation = Case(
        When(dpa_accepted_at__isnull=True, dpa_intent_at__isnull=True, then=Value(Stage.DPA_ACCEPTED.value)),
        When(provisioned_at__isnull=True, then=Value(Stage.PROVISIONED.value)),
        When(admin_invited_at__isnull=True, then=Value(Stage.ADMIN_INVITED.value)),
        When(admin_first_login_at__isnull=True, then=Value(Stage.ADMIN_LOGGED_IN.value)),
        When(first_group_at__isnull=True, then=Value(Stage.FIRST_GROUP.value)),
        default=Value(Stage.OPERATIONAL.value),
        output_field=CharField(),
    )
    rows = OnboardingCase.objects.select_related("tenant").annotate(stage=annotation)
    # Through a dict: the type checker knows the model's fields, not the annotation.
    return rows.filter(stage=stage) if stage else rows


def stage_of(case: OnboardingCase) -> Stage:
    """The same rule as cases_with_stage, for one case in hand."""
    if case.dpa_accepted_at is None and case.dpa_intent_at is None:
        return Stage.DPA_ACCEPTED
    for stage, at in (
        (Stage.PROVISIONED, case.provisioned_at),
        (Stage.ADMIN_INVITED, case.admin_invited_at),
        (Stage.ADMIN_LOGGED_IN, case.admin_first_login_at),
        (Stage.FIRST_GROUP, case.first_group_at),
    ):
        if at is None:
            return stage
    return Stage.OPERATIONAL


def blocking(case: OnboardingCase) -> list[str]:
    """What holds the case up, in words for vendor staff; empty once operational."""
    reasons = []
    state = dpa_state(case)
    if state == DpaState.NONE:
        reasons.append(_("waiting for the DPA: send the signatory the acceptance link or record an oral intent"))
    elif state == DpaState.ORAL_INTENT:
        reasons.append(
            _(
                "waiting for the signatory's written DPA acceptance (until then members, campaigns and "
                "client records stay closed)"
            )
        )
    if case.provisioned_at is None or case.admin_invited_at is None:
        if case.provisioning_error:
            reasons.append(_("provisioning failed: %(error)s") % {"error": case.provisioning_error})
        elif case.provisioning_started_at is not None:
            reasons.append(_("provisioning in progress (%(percent)s %%)") % {"percent": case.progress_percent})
        elif state != DpaState.NONE:
            reasons.append(_("ready to provision"))
    elif case.admin_first_login_at is None:
        reasons.append(_("waiting for the admin's first login"))
    elif case.first_group_at is None:
        reasons.append(_("waiting for the admin to create the first group"))
    elif case.operational_at is None:
        reasons.append(_("waiting for the first request to be posted"))
    return reasons


def elapsed(case: OnboardingCase) -> timedelta:
    """From opened to operational, or so far."""
    return (case.operational_at or timezone.now()) - case.opened_at


def checklist(case: OnboardingCase) -> list[tuple[str, Any]]:
    """The checklist's steps in order, each with its time (None until done)."""
    return [
        (_("Case opened"), case.opened_at),
        (_("Oral DPA intent recorded"), case.dpa_intent_at),
        (_("DPA accepted in writing"), case.dpa_accepted_at),
        (_("Provisioning started"), case.provisioning_started_at),
        (_("Provisioned"), case.provisioned_at),
        (_("Admin invited"), case.admin_invited_at),
        (_("Admin's first login"), case.admin_first_login_at),
        (_("First group created"), case.first_group_at),
        (_("Operational (first request posted)"), case.operational_at),
    ]


# --- Provisioning ------------------------------------------------------------------------------


def check_can_provision(case: OnboardingCase) -> None:
    if not can_provision(case):
        raise ValidationError(
            _("Provisioning waits for the DPA: the written acceptance or at least a recorded oral intent."),
            code="no_dpa",
        )


@transaction.atomic
def do_request_provisioning(*, actor: User, case: OnboardingCase) -> OnboardingCase:
    """Queue the provisioning task for the case (again after a failure); refused without a DPA."""
    from .tasks import provision_case  # the task module imports this one

    check_console_staff(actor)
    case = OnboardingCase.objects.select_for_update().get(pk=case.pk)
    check_can_provision(case)
    if case.provisioned_at is not None and case.admin_invited_at is not None:
        return case
    case.provisioning_error = ""
    case.progress_step = "queued"
    case.progress_percent = max(case.progress_percent, 1)
    if case.provisioning_started_at is None:
        case.provisioning_started_at = timezone.now()
    case.save(update_fields=["provisioning_error", "progress_step", "progress_percent", "provisioning_started_at"])
    case_id = str(case.pk)
    transaction.on_commit(lambda: provision_case.delay(case_id))
    return case


PROGRESS_STEPS = {
    "queued": 1,
    "schema": 10,
    "groups": 70,
    "admin": 80,
    "invitation": 90,
    "done": 100,
}


def _progress(case: OnboardingCase, step: str) -> None:
    case.progress_step = step
    case.progress_percent = PROGRESS_STEPS[step]
    case.save(update_fields=["progress_step", "progress_percent"])


def do_provision_case(*, case_id: Any) -> OnboardingCase:
    """Provision the case's tenant: schema, template groups, first admin, invitations; resumable.

    Every step checks what is already done, so a run after a failure continues and a run after
    success changes nothing. Runs outside a transaction: migrations commit as they go, and the
    progress must be visible to the console while this runs. A failure is stored on the case
    and raised again, so the task can retry.
    """
    use_public_schema()
    case = OnboardingCase.objects.get(pk=case_id)
    check_can_provision(case)
    if case.provisioned_at is not None and case.admin_invited_at is not None:
        return case
    try:
        if case.provisioning_started_at is None:
            case.provisioning_started_at = timezone.now()
            case.save(update_fields=["provisioning_started_at"])
        if case.provisioning_error:
            case.provisioning_error = ""
            case.save(update_fields=["provisioning_error"])
        _progress(case, "schema")
        tenant = provision_tenant(
            slug=case.slug,
            name=case.name,
            kind=case.kind,
            country=case.country,
            language=case.language,
            org_number=case.org_number,
        )
        use_public_schema()
        if case.tenant_id is None:
            case.tenant = tenant
            case.save(update_fields=["tenant"])
        _progress(case, "groups")
        with schema_context(tenant.schema_name):
            admin = _ensure_admin(case, tenant)
            _ensure_template(case.group_template, language=tenant.language, actor=admin)
        # Provisioned = the schema, its template and its admin exist; inviting the admin is the next step.
        if case.provisioned_at is None:
            case.provisioned_at = timezone.now()
            case.save(update_fields=["provisioned_at"])
        _progress(case, "admin")
        if case.admin_invited_at is None:
            _progress(case, "invitation")
            with schema_context(tenant.schema_name), transaction.atomic():
                # The admin invites themselves: the outbox rows and the stamp commit together.
                do_invite(actor=admin, role=InvitationRole.ADMIN, phone=case.contact_phone)
                do_invite(actor=admin, role=InvitationRole.ADMIN, email=case.contact_email)
                OnboardingCase.objects.filter(pk=case.pk).update(admin_invited_at=timezone.now())
            case.refresh_from_db()
        _progress(case, "done")
    except Exception as error:
        use_public_schema()
        logger.exception("provisioning onboarding case %s failed", case.pk)
        message = "; ".join(error.messages) if isinstance(error, ValidationError) else str(error) or repr(error)
        OnboardingCase.objects.filter(pk=case.pk).update(provisioning_error=message[:300], progress_step="failed")
        raise
    return case


def _ensure_admin(case: OnboardingCase, tenant: Tenant) -> User:
    """The case's contact person as the tenant's first admin (found again on a re-run)."""
    phone = normalize_phone(case.contact_phone, region=tenant.country)
    admin = User.objects.filter(phone=phone).first()
    if admin is None:
        with transaction.atomic():
            admin = User.objects.create_user(
                phone,
                case.contact_name,
                email=case.contact_email,
                language=tenant.language,
                is_tenant_admin=True,
            )
            record(action="tenant.first_admin_created", actor=None, target=admin)
    elif not admin.is_tenant_admin:
        admin.is_tenant_admin = True
        admin.save(update_fields=["is_tenant_admin"])
    return admin


def _ensure_template(key: str, *, language: str, actor: User) -> None:
    """Create the template's groups and channels that do not exist yet, by their names."""
    template = TEMPLATES[key]
    groups: dict[str, Group] = {}
    with transaction.atomic():
        for spec in template.groups:
            name = in_language(spec.name, language)
            group = Group.objects.filter(name=name).first()
            if group is None:
                group = do_create_group(
                    actor=actor,
                    name=name,
                    purpose=spec.purpose,
                    join_policy=spec.join_policy,
                    description=in_language(spec.description, language),
                )
            groups[spec.key] = group
        for channel_spec in template.channels:
            name = in_language(channel_spec.name, language)
            if not Channel.objects.filter(name=name).exists():
                do_create_channel(
                    actor=actor,
                    name=name,
                    publishing_groups=[groups[key] for key in channel_spec.publishing],
                    answering_groups=[groups[key] for key in channel_spec.answering],
                )


# --- Tenants overview (counts only) ------------------------------------------------------------


def tenant_request_count_30d(tenant: Tenant) -> int:  # noqa: ARG001  # used once requests exist
    """Requests posted in the tenant in the last 30 days.

    Requests do not exist yet (a later issue adds them); until then there is nothing to count.
    Replace this with a count inside the tenant's schema, returning the number only.
    """
    return 0


def tenant_overview(tenant: Tenant) -> dict[str, Any]:
    """Counts and a time for one tenant, read inside its schema: no person's data leaves it."""
    members = 0
    last_activity = None
    if tenant.status != TenantStatus.PROVISIONING:
        with schema_context(tenant.schema_name):
            members = User.objects.filter(is_active=True).count()
            last_login = User.objects.aggregate(at=Max("last_login"))["at"]
            last_event = AuditEvent.objects.aggregate(at=Max("at"))["at"]
            times = [t for t in (last_login, last_event) if t is not None]
            last_activity = max(times) if times else None
    case = OnboardingCase.objects.filter(tenant=tenant).only("plan").first()
    return {
        "tenant": tenant,
        "plan": case.get_plan_display() if case else "",
        "members": members,
        "requests_30d": tenant_request_count_30d(tenant),
        "last_activity": last_activity,
    }
