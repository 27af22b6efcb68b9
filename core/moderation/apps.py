"""App configuration for moderation: reports, hidden content, warnings and suspensions."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ModerationConfig(AppConfig):
    name = "core.moderation"
    label = "moderation"
    verbose_name = _("Moderation")
