"""Development and test SMS backend: one JSON line per message appended to settings.SMS_FILE_PATH."""

import fcntl
import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from core.messaging.models import OutboxMessage
from tenants.db import current_schema

from .base import SmsBackend, TemporaryFailure


def sms_file_path() -> Path:
    return Path(settings.SMS_FILE_PATH)


class FileBackend(SmsBackend):
    """Each line names the tenant (schema) it was sent from, so one file serves every tenant."""

    def send(self, message: OutboxMessage) -> str:
        record = {
            "message_id": str(message.pk),
            "tenant": current_schema(),
            "to": message.to,
            "kind": message.kind,
            "body": message.body,
            "sent_at": timezone.now().isoformat(),
        }
        line = json.dumps(record, ensure_ascii=False) + "\n"
        path = sms_file_path()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # Append mode plus an exclusive lock: workers in several processes never interleave lines.
            with path.open("a", encoding="utf-8") as file:
                fcntl.flock(file, fcntl.LOCK_EX)
                try:
                    file.write(line)
                    file.flush()
                finally:
                    fcntl.flock(file, fcntl.LOCK_UN)
        except OSError as error:
            raise TemporaryFailure(f"SMS file not writable ({type(error).__name__})") from error
        return f"file-{message.pk}"


def read_sent_sms(
    *, to: str | None = None, tenant: str | None = None, path: Path | None = None
) -> list[dict[str, Any]]:
    """The messages the file backend wrote, oldest first, optionally only those to one number or tenant.

    For tests and development tools that need the code a person was "sent".
    """
    path = path or sms_file_path()
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as file:
        fcntl.flock(file, fcntl.LOCK_SH)
        try:
            records = [json.loads(line) for line in file if line.strip()]
        finally:
            fcntl.flock(file, fcntl.LOCK_UN)
    return [
        record
        for record in records
        if (to is None or record["to"] == to) and (tenant is None or record["tenant"] == tenant)
    ]
