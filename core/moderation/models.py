"""Reports of content, and the warnings and suspensions leaders and admins give members."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.requests.models import ConversationMessage, HelpRequest


class ReportStatus(models.TextChoices):
    OPEN = "open", _("waiting for a moderator")
    ACTIONED = "actioned", _("content hidden")
    DISMISSED = "dismissed", _("dismissed")


class Report(models.Model):
    """Someone's report of a request or a message, for the moderation queue."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reported by"), on_delete=models.CASCADE, related_name="+"
    )
    request = models.ForeignKey(
        HelpRequest, verbose_name=_("request"), null=True, blank=True, on_delete=models.CASCADE, related_name="reports"
    )
    message = models.ForeignKey(
        ConversationMessage,
        verbose_name=_("message"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reports",
    )
    reason = models.TextField(_("reason"))
    status = models.CharField(_("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.OPEN)
    created_at = models.DateTimeField(_("reported"), default=timezone.now)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ("created_at",)
        constraints = (
            models.CheckConstraint(
                condition=Q(request__isnull=False, message__isnull=True)
                | Q(request__isnull=True, message__isnull=False),
                name="report_exactly_one_target",
            ),
        )
        indexes = (models.Index(fields=("status", "created_at"), name="report_queue"),)

    def __str__(self) -> str:
        return f"report {self.id} ({self.status})"


class SanctionKind(models.TextChoices):
    WARNING = "warning", _("warning")
    SUSPENSION = "suspension", _("suspension")


class Sanction(models.Model):
    """A warning or a suspension; a suspended member can neither post nor offer until it ends."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("member"), on_delete=models.CASCADE, related_name="sanctions"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=SanctionKind.choices)
    reason = models.TextField(_("reason"))
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("given by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("given"), default=timezone.now)
    # A suspension without an end lasts until it is lifted.
    ends_at = models.DateTimeField(_("until"), null=True, blank=True)
    lifted_at = models.DateTimeField(_("lifted"), null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("sanction")
        verbose_name_plural = _("sanctions")
        ordering = ("-created_at",)
        indexes = (models.Index(fields=("user", "kind"), name="sanction_by_user"),)

    def __str__(self) -> str:
        return f"{self.kind} of {self.user_id}"
