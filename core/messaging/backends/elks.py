"""Production SMS backend: 46elks (Nordic SMS provider) over its HTTP API."""

import functools
import logging

import httpx
from django.conf import settings

from core.messaging.models import OutboxMessage

from .base import PermanentFailure, SmsBackend, TemporaryFailure, UncertainOutcome

logger = logging.getLogger(__name__)

# 4xx answers about our account or our pace, not about the message: trying again later may work.
_RETRYABLE_CLIENT_ERRORS = frozenset({401, 403, 408, 429})


@functools.cache
def _client() -> httpx.Client:
    """One client per process: it keeps connections to the provider open, and building one (its
    TLS context) costs more than sending an SMS. Created on first use, so after the worker forks."""
    return httpx.Client()


class ElksBackend(SmsBackend):
    """POST {SMS_46ELKS_API_URL}/sms with HTTP basic auth and form fields from, to, message.

    Credentials come only from the environment (SMS_46ELKS_USERNAME / SMS_46ELKS_PASSWORD).
    """

    def __init__(self) -> None:
        self.url = settings.SMS_46ELKS_API_URL.rstrip("/") + "/sms"
        self.username: str = settings.SMS_46ELKS_USERNAME
        self.password: str = settings.SMS_46ELKS_PASSWORD
        self.sender: str = settings.SMS_SENDER
        seconds = float(settings.SMS_HTTP_TIMEOUT_SECONDS)
        self.timeout = httpx.Timeout(seconds, connect=min(seconds, 5.0))

    def send(self, message: OutboxMessage) -> str:
        if not (self.username and self.password):
            # Nothing was sent; once an operator sets the credentials the retry goes through.
            raise TemporaryFailure("46elks credentials are not configured")
        form = {"from": self.sender, "to": message.to, "message": message.body}
        if message.sensitive:
            # 46elks then keeps no copy of the text (a login code, an invitation link) in its history.
            form["dontlog"] = "message"
        try:
            response = _client().post(self.url, data=form, auth=(self.username, self.password), timeout=self.timeout)
        except (
            httpx.ConnectError,
            httpx.ConnectTimeout,
            httpx.PoolTimeout,
            httpx.WriteError,
            httpx.WriteTimeout,
        ) as error:
            # The request never reached the provider whole: it cannot have been sent.
            raise TemporaryFailure(f"46elks unreachable ({type(error).__name__})") from error
        except httpx.TransportError as error:
            # The provider had the whole request but its answer was lost (read timeout, dropped
            # connection): it may have sent the SMS, and sending again could deliver it twice.
            raise UncertainOutcome(f"46elks answer lost ({type(error).__name__})") from error
        return self._provider_id(response)

    @staticmethod
    def _provider_id(response: httpx.Response) -> str:
        status = response.status_code
        if response.is_success:
            try:
                provider_id = response.json()["id"]
            except (ValueError, KeyError, TypeError):
                # Accepted, so most likely sent: record it as sent without the provider's id.
                logger.warning("46elks accepted an SMS (HTTP %d) without an id in its answer", status)
                return ""
            return str(provider_id)
        # The provider's error text may quote the number or the message, so only the status is kept.
        if status >= 500 or status in _RETRYABLE_CLIENT_ERRORS:
            raise TemporaryFailure(f"46elks HTTP {status}")
        if 400 <= status < 500:
            raise PermanentFailure(f"46elks HTTP {status}")
        raise TemporaryFailure(f"46elks unexpected HTTP {status}")
