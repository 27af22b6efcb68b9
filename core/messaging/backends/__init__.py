"""Swappable delivery backends: SMS by settings.SMS_BACKEND, e-mail by Django's EMAIL_BACKEND."""

from django.conf import settings
from django.utils.module_loading import import_string

from core.messaging.models import Medium, OutboxMessage

from .base import DeliveryError, PermanentFailure, SmsBackend, TemporaryFailure, UncertainOutcome
from .mail import send_email

__all__ = [
    "DeliveryError",
    "PermanentFailure",
    "SmsBackend",
    "TemporaryFailure",
    "UncertainOutcome",
    "get_sms_backend",
    "send_message",
]


def get_sms_backend() -> SmsBackend:
    """A fresh instance of the configured SMS backend (settings are read at each call)."""
    backend_class = import_string(settings.SMS_BACKEND)
    backend = backend_class()
    if not isinstance(backend, SmsBackend):
        raise TypeError(f"{settings.SMS_BACKEND} is not an SmsBackend")
    return backend


def send_message(message: OutboxMessage) -> str:
    """Hand one outbox row to its medium's backend; return the provider's id or raise a DeliveryError."""
    if message.medium == Medium.EMAIL:
        return send_email(message)
    return get_sms_backend().send(message)
