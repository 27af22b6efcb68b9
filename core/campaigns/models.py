"""Models of campaigns (see the app's services for the rules)."""

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.groups.models import Group

# Lower-case letters and digits without look-alikes (0/o, 1/l/i), so a code read off a poster can
# be typed; 12 characters of 31 give about 59 bits, far beyond guessing through a 404.
CODE_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
CODE_LENGTH = 12


def new_campaign_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


class Campaign(models.Model):
    """A recruitment link and QR code that lead people to sign up and apply to one group."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("name"), max_length=120)
    group = models.ForeignKey(Group, verbose_name=_("group"), on_delete=models.CASCADE, related_name="campaigns")
    code = models.CharField(_("code"), max_length=16, unique=True, default=new_campaign_code, editable=False)
    # Paused campaigns keep their link; archived ones are closed for good.
    is_active = models.BooleanField(_("active"), default=True)
    starts_at = models.DateTimeField(_("starts"), null=True, blank=True)
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True)

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ("-created_at",)
        constraints = (
            models.CheckConstraint(
                condition=models.Q(starts_at__isnull=True)
                | models.Q(ends_at__isnull=True)
                | models.Q(ends_at__gt=models.F("starts_at")),
                name="campaign_ends_after_start",
            ),
        )

    def __str__(self) -> str:
        return self.name


class CampaignVisit(models.Model):
    """Someone opened the campaign's link; repeats from the same browser session are not counted again."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    campaign = models.ForeignKey(Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="visits")
    visited_at = models.DateTimeField(_("visited"), default=timezone.now)

    class Meta:
        verbose_name = _("campaign visit")
        verbose_name_plural = _("campaign visits")
        ordering = ("-visited_at",)
        indexes = (models.Index(fields=("campaign", "visited_at")),)

    def __str__(self) -> str:
        return f"visit {self.id} of {self.campaign_id}"


class CampaignSignup(models.Model):
    """A person applied to the campaign's group through the campaign; at most once per person."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    campaign = models.ForeignKey(Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="signups")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.CASCADE, related_name="+"
    )
    # The visit that led here, when the person's browser session or app still knew it.
    visit = models.OneToOneField(
        CampaignVisit,
        verbose_name=_("visit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="signup",
    )
    # True when the account was created after the visit: the campaign recruited a new person.
    is_new_account = models.BooleanField(_("new account"), default=False)
    signed_up_at = models.DateTimeField(_("signed up"), default=timezone.now)

    class Meta:
        verbose_name = _("campaign sign-up")
        verbose_name_plural = _("campaign sign-ups")
        ordering = ("-signed_up_at",)
        constraints = (models.UniqueConstraint(fields=("campaign", "user"), name="campaign_signup_once_per_person"),)

    def __str__(self) -> str:
        return f"{self.user_id} via {self.campaign_id}"
