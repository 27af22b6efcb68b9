"""Development SMS backend: one line per message on standard output, nothing leaves the machine."""

import sys
import threading
from typing import TextIO

from core.messaging.models import OutboxMessage
from tenants.db import current_schema

from .base import SmsBackend

# Lines of messages sent by concurrent threads must not interleave.
_lock = threading.Lock()


class ConsoleBackend(SmsBackend):
    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stdout

    def send(self, message: OutboxMessage) -> str:
        body = message.body.replace("\n", " ")
        line = f"[sms {current_schema()}] to={message.to} kind={message.kind} id={message.pk}: {body}\n"
        with _lock:
            self.stream.write(line)
            self.stream.flush()
        return f"console-{message.pk}"
