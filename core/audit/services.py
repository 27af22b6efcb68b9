"""Writing to the audit log; every service that needs a trace calls record()."""

from typing import Any

from django.db import models

from core.accounts.models import User

from .context import current_ip
from .models import AuditEvent


def _ref(obj: models.Model | None) -> tuple[str, str]:
    if obj is None:
        return "", ""
    return obj._meta.model_name or "", str(obj.pk)


def record(
    *,
    action: str,
    actor: User | None,
    target: models.Model | None = None,
    on_behalf_of: models.Model | None = None,
    data: dict[str, Any] | None = None,
    ip: str | None = None,
) -> AuditEvent:
    """Append one row; call it inside the transaction of the change it describes.

    `action` is a dotted name such as "client.contact_viewed". `data` holds ids and states
    only: the log must never become a second copy of anyone's personal data.
    """
    target_type, target_id = _ref(target)
    behalf_type, behalf_id = _ref(on_behalf_of)
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        target_type=target_type,
        target_id=target_id,
        on_behalf_of_type=behalf_type,
        on_behalf_of_id=behalf_id,
        ip=ip if ip is not None else current_ip(),
        data=data or {},
    )
