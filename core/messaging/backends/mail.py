"""E-mail goes through Django's own EMAIL_BACKEND; this maps its outcome onto the outbox's."""

import smtplib

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.message import make_msgid

from core.messaging.models import OutboxMessage

from .base import PermanentFailure, TemporaryFailure


def _smtp_failure(code: int, what: str) -> TemporaryFailure | PermanentFailure:
    # SMTP: 4xx is a transient refusal (greylisting, mailbox busy), 5xx a final one.
    if 500 <= code < 600:
        return PermanentFailure(f"SMTP {code} ({what})")
    return TemporaryFailure(f"SMTP {code} ({what})")


def send_email(message: OutboxMessage) -> str:
    """Send one plain-text e-mail and return its Message-ID header as the provider's id."""
    message_id = make_msgid(domain=settings.BASE_DOMAIN)
    email = EmailMessage(
        subject=message.subject,
        body=message.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.to],
        headers={"Message-ID": message_id},
    )
    try:
        sent = email.send(fail_silently=False)
    except smtplib.SMTPRecipientsRefused as error:
        codes = [code for code, _text in error.recipients.values()]
        raise _smtp_failure(max(codes, default=550), "recipient refused") from error
    except smtplib.SMTPResponseException as error:
        raise _smtp_failure(error.smtp_code, type(error).__name__) from error
    except (smtplib.SMTPException, OSError) as error:
        # Connection refused, timed out or dropped before the server accepted the message.
        raise TemporaryFailure(f"SMTP unavailable ({type(error).__name__})") from error
    if not sent:
        raise PermanentFailure("e-mail backend accepted no recipient")
    return message_id
