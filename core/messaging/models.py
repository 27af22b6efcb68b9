"""The outbox: every SMS and e-mail is a row first, written with the change that caused it."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Medium(models.TextChoices):
    SMS = "sms", _("SMS")
    EMAIL = "email", _("E-mail")


class Priority(models.IntegerChoices):
    """Celery priority on Redis: a lower number is served first."""

    HIGH = 0, _("high")
    NORMAL = 5, _("normal")
    LOW = 9, _("low")


class Status(models.TextChoices):
    PENDING = "pending", _("waiting to be sent")
    SENDING = "sending", _("being sent")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed")
    # The worker stopped while the provider had the message: it may or may not have gone out, and
    # it is not sent again (at most once). Staff can see these and follow up.
    UNKNOWN = "unknown", _("outcome unknown")


class OutboxMessage(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    medium = models.CharField(_("medium"), max_length=8, choices=Medium.choices)
    # Which event produced it ("login_code", "invitation", ...): for statistics and support.
    kind = models.CharField(_("kind"), max_length=64)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="outbox_messages",
    )
    to = models.CharField(_("to"), max_length=254)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    body = models.TextField(_("body"))
    # Bodies that carry a secret (a login code, an invitation link) are blanked once delivered.
    sensitive = models.BooleanField(_("sensitive"), default=False)
    priority = models.PositiveSmallIntegerField(_("priority"), choices=Priority.choices, default=Priority.NORMAL)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    # When a worker claimed the row for its current attempt; a row left in `sending` much longer
    # than that (the worker died mid-send) is turned into `unknown` by the sweep, never resent.
    sending_since = models.DateTimeField(_("sending since"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    provider_id = models.CharField(_("provider's message id"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        ordering = ("created_at",)
        indexes = (models.Index(fields=("status", "next_attempt_at")),)

    def __str__(self) -> str:
        return f"{self.medium} {self.kind} {self.status}"
