"""A leader's message to every member of a group."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.groups.models import Group


class Announcement(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    group = models.ForeignKey(Group, verbose_name=_("group"), on_delete=models.CASCADE, related_name="announcements")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(_("text"))
    created_at = models.DateTimeField(_("posted"), default=timezone.now)

    class Meta:
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")
        ordering = ("-created_at",)
        indexes = (models.Index(fields=("group", "-created_at"), name="announcement_by_group"),)

    def __str__(self) -> str:
        return self.title
