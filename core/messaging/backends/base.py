"""What every SMS backend promises: send one outbox row, or say why it could not."""

from abc import ABC, abstractmethod

from core.messaging.models import OutboxMessage


class DeliveryError(Exception):
    """A backend could not hand the message over. The text is stored: short, no personal data."""


class TemporaryFailure(DeliveryError):  # noqa: N818 - named by the outbox's agreed interface
    """The message was not sent, and trying again later may work (provider down, rate limited)."""


class PermanentFailure(DeliveryError):  # noqa: N818 - named by the outbox's agreed interface
    """The message was not sent, and trying again will not help (number refused, bad request)."""


class UncertainOutcome(DeliveryError):  # noqa: N818 - named by the outbox's agreed interface
    """The provider may have sent the message (the answer was lost): it must not be sent again."""


class SmsBackend(ABC):
    """One way of sending SMS, chosen by settings.SMS_BACKEND like Django's e-mail backends."""

    @abstractmethod
    def send(self, message: OutboxMessage) -> str:
        """Hand `message` to the provider and return the provider's id for it.

        Raise TemporaryFailure, PermanentFailure or UncertainOutcome when it was not (surely) sent.
        """
