"""What each person chose to be told, and what they were told (once per occurrence)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .events import Channel, Event


class NotificationPreference(models.Model):
    """A person's channel for one event; without a row, events.DEFAULTS applies."""

    id = models.BigAutoField(primary_key=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    event = models.CharField(_("event"), max_length=32, choices=Event.choices)
    channel = models.CharField(_("how"), max_length=8, choices=Channel.choices)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = (models.UniqueConstraint(fields=("user", "event"), name="notification_preference_once"),)

    def __str__(self) -> str:
        return f"{self.user_id} {self.event}: {self.channel}"


class QuietHours(models.Model):
    """Hours (local time) in which nothing is sent to the person; messages wait until the end."""

    id = models.BigAutoField(primary_key=True)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiet_hours")
    start = models.TimeField(_("quiet from"))
    end = models.TimeField(_("quiet until"))

    class Meta:
        verbose_name = _("quiet hours")
        verbose_name_plural = _("quiet hours")

    def __str__(self) -> str:
        return f"{self.start}-{self.end}"


class Notification(models.Model):
    """One occurrence told to one person: the unique key makes 'never twice' a database guarantee."""

    id = models.BigAutoField(primary_key=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    event = models.CharField(_("event"), max_length=32, choices=Event.choices)
    # The occurrence, e.g. "request:<id>" or "offer:<id>:accepted".
    key = models.CharField(_("occurrence"), max_length=120)
    channel = models.CharField(_("how"), max_length=8, choices=Channel.choices)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    digest_sent_at = models.DateTimeField(_("sent in a digest"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = (models.UniqueConstraint(fields=("user", "event", "key"), name="notification_once"),)
        indexes = (
            models.Index(
                fields=("user", "created_at"),
                condition=models.Q(channel="digest", digest_sent_at__isnull=True),
                name="notification_digest_due",
            ),
            # "Who was told of this announcement / request?" reads by occurrence across people.
            models.Index(fields=("event", "key"), name="notification_occurrence"),
        )

    def __str__(self) -> str:
        return f"{self.event} {self.key} to {self.user_id}"
