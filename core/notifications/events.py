"""The events people are told about, each with a channel they choose."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Event(models.TextChoices):
    NEW_REQUEST = "new_request", _("a new request I can help with")
    NEW_OFFER = "new_offer", _("an offer on my request")
    OFFER_ACCEPTED = "offer_accepted", _("my offer was accepted")
    OFFER_DECLINED = "offer_declined", _("my offer was not needed")
    AGREEMENT_CANCELLED = "agreement_cancelled", _("an agreement was cancelled")
    NEW_MESSAGE = "new_message", _("a new message")
    REQUEST_EXPIRING = "request_expiring", _("my request closes soon")
    REQUEST_EXPIRED = "request_expired", _("my request closed")
    HELPER_REMINDER = "helper_reminder", _("a reminder the day before I help")
    THANKS = "thanks", _("thanks for my help")
    ANNOUNCEMENT = "announcement", _("announcements from my groups")
    MODERATION = "moderation", _("warnings and suspensions")


class Channel(models.TextChoices):
    SMS = "sms", _("SMS")
    EMAIL = "email", _("e-mail")
    DIGEST = "digest", _("daily e-mail digest")
    NONE = "none", _("not at all")


# What a person gets before choosing: SMS for what needs acting on soon, the digest for the rest.
DEFAULTS: dict[str, str] = {
    Event.NEW_REQUEST: Channel.SMS,
    Event.NEW_OFFER: Channel.SMS,
    Event.OFFER_ACCEPTED: Channel.SMS,
    Event.OFFER_DECLINED: Channel.SMS,
    Event.AGREEMENT_CANCELLED: Channel.SMS,
    Event.NEW_MESSAGE: Channel.SMS,
    Event.REQUEST_EXPIRING: Channel.SMS,
    Event.REQUEST_EXPIRED: Channel.SMS,
    Event.HELPER_REMINDER: Channel.SMS,
    Event.THANKS: Channel.DIGEST,
    Event.ANNOUNCEMENT: Channel.DIGEST,
    Event.MODERATION: Channel.SMS,
}
