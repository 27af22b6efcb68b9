"""Onboarding in the public schema: leads, onboarding cases, DPA templates and their acceptance.

Everything here is about customers (municipalities and organisations) and their representatives,
never about citizens: the public schema holds no citizen's personal data.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tenants.models import Country, Language, TenantKind


class LeadStatus(models.TextChoices):
    NEW = "new", _("new")
    CONTACTED = "contacted", _("contacted")
    CONVERTED = "converted", _("became an onboarding case")
    DISCARDED = "discarded", _("discarded")


class Lead(models.Model):
    """A municipality or organisation that asked to get started on the public site."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=16, choices=TenantKind.choices)
    name = models.CharField(_("name"), max_length=200)
    org_number = models.CharField(_("organisation number"), max_length=20)
    country = models.CharField(_("country"), max_length=2, choices=Country.choices)
    contact_name = models.CharField(_("contact person"), max_length=150)
    contact_email = models.EmailField(_("contact e-mail"))
    contact_phone = models.CharField(_("contact phone"), max_length=16, blank=True)
    message = models.TextField(_("message"), blank=True)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices, default=Language.BOKMAL)
    status = models.CharField(_("status"), max_length=10, choices=LeadStatus.choices, default=LeadStatus.NEW)
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("lead")
        verbose_name_plural = _("leads")
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return self.name


class Plan(models.TextChoices):
    CRISIS = "crisis", _("free crisis agreement (with an end date)")
    STANDARD = "standard", _("standard")


class GroupTemplate(models.TextChoices):
    CRISIS = "crisis", _("Crisis volunteering (corona)")
    EVERYDAY = "everyday", _("Everyday welfare")


class Stage(models.TextChoices):
    """Where a case stands: the first checklist step that is not done yet names it."""

    OPENED = "opened", _("opened")
    DPA_ACCEPTED = "dpa_accepted", _("DPA accepted")
    PROVISIONED = "provisioned", _("provisioned")
    ADMIN_INVITED = "admin_invited", _("admin invited")
    ADMIN_LOGGED_IN = "admin_logged_in", _("admin logged in")
    FIRST_GROUP = "first_group", _("first group created")
    OPERATIONAL = "operational", _("operational (first request posted)")


class DpaState(models.TextChoices):
    NONE = "none", _("no agreement yet")
    ORAL_INTENT = "oral_intent", _("oral intent only: members, campaigns and clients stay closed")
    WRITTEN = "written", _("accepted in writing")


class OnboardingCase(models.Model):
    """One customer's way from first contact to operational, with a timestamp for every step."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    lead = models.ForeignKey(Lead, verbose_name=_("lead"), null=True, blank=True, on_delete=models.SET_NULL)
    kind = models.CharField(_("kind"), max_length=16, choices=TenantKind.choices)
    name = models.CharField(_("name"), max_length=200)
    org_number = models.CharField(_("organisation number"), max_length=20)
    country = models.CharField(_("country"), max_length=2, choices=Country.choices)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    slug = models.CharField(_("subdomain"), max_length=63, unique=True)
    contact_name = models.CharField(_("contact person"), max_length=150)
    contact_email = models.EmailField(_("contact e-mail"))
    contact_phone = models.CharField(_("contact phone"), max_length=16)
    signatory_name = models.CharField(_("signatory"), max_length=150)
    signatory_title = models.CharField(_("signatory's title"), max_length=150, blank=True)
    signatory_email = models.EmailField(_("signatory's e-mail"))
    plan = models.CharField(_("plan"), max_length=10, choices=Plan.choices, default=Plan.STANDARD)
    crisis_ends_on = models.DateField(_("crisis agreement ends on"), null=True, blank=True)
    group_template = models.CharField(
        _("group template"), max_length=10, choices=GroupTemplate.choices, default=GroupTemplate.EVERYDAY
    )
    tenant = models.OneToOneField(
        "tenants.Tenant",
        verbose_name=_("tenant"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="onboarding_case",
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("opened by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The checklist: each step's time, empty until done.
    opened_at = models.DateTimeField(_("opened"), default=timezone.now, db_index=True)
    dpa_intent_at = models.DateTimeField(_("oral DPA intent recorded"), null=True, blank=True)
    dpa_accepted_at = models.DateTimeField(_("DPA accepted in writing"), null=True, blank=True)
    provisioning_started_at = models.DateTimeField(_("provisioning started"), null=True, blank=True)
    provisioned_at = models.DateTimeField(_("provisioned"), null=True, blank=True)
    admin_invited_at = models.DateTimeField(_("admin invited"), null=True, blank=True)
    admin_first_login_at = models.DateTimeField(_("admin's first login"), null=True, blank=True)
    first_group_at = models.DateTimeField(_("first group"), null=True, blank=True)
    operational_at = models.DateTimeField(_("operational (first request posted)"), null=True, blank=True)
    # Live progress of provisioning, shown in the console while the task runs.
    progress_step = models.CharField(_("provisioning step"), max_length=40, blank=True)
    progress_percent = models.PositiveSmallIntegerField(_("provisioning progress"), default=0)
    provisioning_error = models.CharField(_("provisioning error"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("onboarding case")
        verbose_name_plural = _("onboarding cases")
        ordering = ("-opened_at",)

    def __str__(self) -> str:
        return self.name


class DpaKind(models.TextChoices):
    """Which agreement structure a customer gets."""

    NO_MUNICIPALITY = "no_municipality", _("Norwegian municipality: data-processing agreement with four annexes")
    SE_MUNICIPALITY = "se_municipality", _("Swedish municipality: PUB-avtal (SKR/Adda) with the supplier's two annexes")
    ORGANISATION = "organisation", _("Organisation: its own controller, its own agreement")


class DpaVersion(models.Model):
    """One published version of a DPA template; old versions stay readable."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("agreement"), max_length=20, choices=DpaKind.choices)
    number = models.PositiveIntegerField(_("version"))
    published_at = models.DateTimeField(_("published"), default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("published by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("DPA version")
        verbose_name_plural = _("DPA versions")
        ordering = ("kind", "-number")
        constraints = (models.UniqueConstraint(fields=("kind", "number"), name="dpa_version_once"),)

    def __str__(self) -> str:
        return f"{self.kind} v{self.number}"


class DpaText(models.Model):
    """The text of a DPA version in one language, with the hash an acceptance refers to."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    version = models.ForeignKey(DpaVersion, verbose_name=_("version"), on_delete=models.PROTECT, related_name="texts")
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    sha256 = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("DPA text")
        verbose_name_plural = _("DPA texts")
        constraints = (models.UniqueConstraint(fields=("version", "language"), name="dpa_text_once_per_language"),)

    def __str__(self) -> str:
        return self.title


class DpaAcceptanceLink(models.Model):
    """A single-use, expiring link for the signatory; only a hash of its token is stored."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(
        OnboardingCase, verbose_name=_("case"), on_delete=models.CASCADE, related_name="acceptance_links"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    expires_at = models.DateTimeField(_("expires"))
    used_at = models.DateTimeField(_("used"), null=True, blank=True)

    class Meta:
        verbose_name = _("DPA acceptance link")
        verbose_name_plural = _("DPA acceptance links")
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return f"link {self.id}"


class DpaAcceptance(models.Model):
    """The written acceptance (GDPR Art. 28(9)): who, in which role, when, from where, of which exact text."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(
        OnboardingCase, verbose_name=_("case"), on_delete=models.PROTECT, related_name="acceptances"
    )
    text = models.ForeignKey(DpaText, verbose_name=_("text accepted"), on_delete=models.PROTECT, related_name="+")
    text_sha256 = models.CharField(max_length=64)
    full_name = models.CharField(_("full name"), max_length=150)
    title = models.CharField(_("title"), max_length=150)
    accepted_at = models.DateTimeField(_("accepted"), default=timezone.now)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        verbose_name = _("DPA acceptance")
        verbose_name_plural = _("DPA acceptances")
        ordering = ("-accepted_at",)

    def __str__(self) -> str:
        return f"{self.case_id} {self.accepted_at:%Y-%m-%d}"


class DpaOralIntent(models.Model):
    """An oral "yes", recorded as intent only: it is not the written agreement Art. 28(9) requires."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(OnboardingCase, verbose_name=_("case"), on_delete=models.CASCADE, related_name="intents")
    given_by = models.CharField(_("given by"), max_length=150)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)
    given_at = models.DateTimeField(_("given"))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("oral DPA intent")
        verbose_name_plural = _("oral DPA intents")
        ordering = ("-recorded_at",)

    def __str__(self) -> str:
        return f"{self.case_id} {self.given_by}"


class SubProcessor(models.Model):
    """A sub-processor the vendor engages, as listed publicly and in the DPA's annex."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("name"), max_length=150)
    purpose = models.CharField(_("purpose"), max_length=300)
    location = models.CharField(_("where data is processed"), max_length=150)
    transfer_basis = models.CharField(_("transfer basis"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("sub-processor")
        verbose_name_plural = _("sub-processors")
        ordering = ("position", "name")

    def __str__(self) -> str:
        return self.name
