"""The project package as an app: its templates, management commands and checks."""

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Dugnad"
