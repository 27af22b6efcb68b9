"""App configuration for messaging."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MessagingConfig(AppConfig):
    name = "core.messaging"
    label = "messaging"
    verbose_name = _("Messages")

    def ready(self) -> None:
        from . import checks  # noqa: F401 - registers the deployment checks
