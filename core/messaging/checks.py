"""Deployment checks of the SMS settings, run by `manage.py check --deploy`."""

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register
from django.utils.module_loading import import_string

from .backends.base import SmsBackend

_ELKS = "core.messaging.backends.elks.ElksBackend"


@register(Tags.compatibility, deploy=True)
def check_sms_backend(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:  # noqa: ARG001 - Django's signature
    """A misnamed backend or missing provider credentials would otherwise surface only as failed SMS."""
    backend: str = settings.SMS_BACKEND
    try:
        backend_class = import_string(backend)
    except ImportError:
        return [Error(f"SMS_BACKEND {backend!r} cannot be imported.", id="messaging.E001")]
    if not (isinstance(backend_class, type) and issubclass(backend_class, SmsBackend)):
        return [Error(f"SMS_BACKEND {backend!r} is not an SmsBackend.", id="messaging.E001")]
    if backend == _ELKS and not (settings.SMS_46ELKS_USERNAME and settings.SMS_46ELKS_PASSWORD):
        return [
            Error(
                "SMS_46ELKS_USERNAME and SMS_46ELKS_PASSWORD must be set for the 46elks backend.",
                id="messaging.E002",
            )
        ]
    return []
