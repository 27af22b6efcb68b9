"""App configuration for requests for help, offers and their conversations."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RequestsConfig(AppConfig):
    name = "core.requests"
    label = "requests"
    verbose_name = _("Requests for help")
